from django.urls import path

from accounts import views, views_passkeys

app_name = "accounts"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("sign-up/<str:confirm_token>/", views.confirm_sign_up, name="confirm_sign_up"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.second_step, name="second_step"),
    path("sign-in/passkey/", views_passkeys.sign_in_with_passkey, name="second_step_passkey"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("recovery-code/", views.recovery_code, name="recovery_code"),
    path("recover/", views.recover, name="recover"),
    path("reset/", views.reset_request, name="reset"),
    path("reset/<str:uidb64>/<str:reset_token>/", views.reset_confirm, name="reset_confirm"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/recovery-code/", views.new_recovery_code, name="new_recovery_code"),
    path("settings/password/", views.change_password, name="change_password"),
    path("settings/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("settings/two-step/", views.two_step_settings, name="two_step"),
    path(
        "settings/two-step/authenticator/",
        views.two_step_authenticator,
        name="two_step_authenticator",
    ),
    path("settings/two-step/recovery-codes/", views.two_step_codes, name="two_step_codes"),
    path("settings/two-step/off/", views.two_step_off, name="two_step_off"),
    path("settings/passkeys/", views_passkeys.passkeys_page, name="passkeys"),
    path("settings/passkeys/new/", views_passkeys.passkey_new, name="passkey_new"),
    path(
        "settings/passkeys/<int:passkey_id>/remove/",
        views_passkeys.passkey_remove,
        name="passkey_remove",
    ),
    path("devices/", views.devices, name="devices"),
    path("devices/<uuid:signin_id>/sign-out/", views.sign_out_device, name="sign_out_device"),
    path("devices/sign-out-others/", views.sign_out_other_devices, name="sign_out_others"),
    path("still-here/", views.still_here, name="still_here"),
    path("locked/", views.lock, name="lock"),
]
