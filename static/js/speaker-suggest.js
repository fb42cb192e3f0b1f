/* Speaker suggestions for the search form.
 *
 * Progressive enhancement of a plain text input that takes a speaker's slug
 * (`<input name="speaker" data-suggest-url="/search/speakers/">`): without
 * this file the form works as it is. With it, typing part of a name or of
 * another spelling (승현, seb) lists up to ten speakers from the JSON endpoint;
 * arrow keys or the mouse pick one, which puts its slug in the field.
 * ARIA 1.2 combobox pattern; text is only ever set with textContent.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;

  function enhance(input) {
    var url = input.getAttribute("data-suggest-url");
    var listId = (input.id || "speaker") + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("span");
    var chosen = document.getElementById(input.getAttribute("data-suggest-chosen") || "");
    var timer = null;
    var controller = null;
    var options = [];
    var active = -1;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var option = options[index];
      input.value = option.getAttribute("data-slug");
      if (chosen) {
        chosen.textContent = option.getAttribute("data-name");
      }
      close();
    }

    function render(speakers) {
      list.textContent = "";
      options = speakers.map(function (speaker, i) {
        var option = document.createElement("li");
        var name = document.createElement("span");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-slug", speaker.slug);
        option.setAttribute("data-name", speaker.name);
        name.textContent = speaker.name;
        option.appendChild(name);
        if (speaker.aliases && speaker.aliases.length) {
          var others = document.createElement("span");
          others.className = "aliases";
          others.textContent = " · " + speaker.aliases.join(", ");
          option.appendChild(others);
        }
        // mousedown, not click: it comes before the input loses focus.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = input.getAttribute("data-suggest-found") || "";
      } else {
        close();
        status.textContent = input.getAttribute("data-suggest-none") || "";
      }
    }

    function suggest(query) {
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { speakers: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            render(data.speakers || []);
          }
        })
        .catch(function () {
          /* Aborted or offline: the plain field still works. */
        });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      window.clearTimeout(timer);
      if (chosen) {
        chosen.textContent = "";
      }
      if (!query) {
        close();
        return;
      }
      timer = window.setTimeout(function () {
        suggest(query);
      }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), enhance);
})();
