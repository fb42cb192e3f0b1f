import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the first admin account if there is none. The password comes from "
        "CONFJOURNAL_ADMIN_PASSWORD or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("CONFJOURNAL_ADMIN_USER", "admin"))
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Log in at {url} with your admin account "
                f"(forgot the password? .venv/bin/python manage.py changepassword {username})."
            )
            return
        password = os.environ.get("CONFJOURNAL_ADMIN_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(15)
        user = users(username=username, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "CONFJOURNAL_ADMIN_PASSWORD is too weak: " + " ".join(error.messages)
            ) from error
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Created the admin account. Log in at {url}"))
        self.stdout.write(f"  username: {username}")
        if generated:
            self.stdout.write(f"  password: {password}   (shown once; keep it)")
        else:
            self.stdout.write("  password: the one in CONFJOURNAL_ADMIN_PASSWORD")
