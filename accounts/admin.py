from django.contrib import admin

from accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    # Identity only. No entry text is ever registered with the admin.
    list_display = ("email", "display_name", "date_joined", "is_active")
    fields = ("email", "display_name", "time_zone", "is_active", "date_joined")
    readonly_fields = ("date_joined",)
    search_fields = ("email",)
