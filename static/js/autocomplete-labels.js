// Names the admin's autocomplete widgets after their field's <label>.
// Django's select2 (4.0) labels its combobox by the chosen value only, which is
// empty until something is picked, and marks that value as a nameless
// read-only textbox: screen readers announce an unnamed field (axe:
// aria-input-field-name). Loaded after admin/js/autocomplete.js.
'use strict';
{
    const $ = django.jQuery;
    const start = $.fn.djangoAdminSelect2;

    function name(select) {
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        const container = select.nextElementSibling;
        if (!label || !container || !container.classList.contains('select2')) {
            return;
        }
        label.id = label.id || `${select.id}-label`;
        const selection = container.querySelector('.select2-selection');
        const rendered = container.querySelector('.select2-selection__rendered');
        if (rendered && rendered.id && selection.classList.contains('select2-selection--single')) {
            rendered.removeAttribute('role');
            rendered.removeAttribute('aria-readonly');
            selection.setAttribute('aria-labelledby', `${label.id} ${rendered.id}`);
        } else {
            selection.setAttribute('aria-labelledby', label.id);
        }
        const search = container.querySelector('.select2-search__field');
        if (search) {
            search.setAttribute('aria-labelledby', label.id);
        }
    }

    $.fn.djangoAdminSelect2 = function() {
        const result = start.apply(this, arguments);
        this.each(function() {
            name(this);
        });
        return result;
    };
}
