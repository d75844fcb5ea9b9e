"""Users in the admin (importing django.contrib.auth.admin also registers Group)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User

admin.site.register(User, UserAdmin)
