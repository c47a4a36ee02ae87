"""The member's privacy page: marketing consent, data exports, deleting the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flywheel.core.exceptions import DomainError
from flywheel.privacy import queries, services
from flywheel.privacy.forms import DeleteAccountForm, MarketingConsentForm
from flywheel.privacy.models import ConsentPurpose
from flywheel.privacy.storage import private_storage


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "")


def _page(request: HttpRequest, *, delete_form=None, status: int = 200) -> HttpResponse:
    member = request.user
    context = {
        "exports": queries.exports_for(member)[:10],
        "now": timezone.now(),
        "marketing_consent": services.current_consent(
            member=member, purpose=ConsentPurpose.MARKETING_EMAIL
        ),
        "marketing_wording": services.marketing_email_wording(),
        "delete_form": delete_form
        or DeleteAccountForm(allowed_contents=services.allowed_erasure_contents()),
    }
    return render(request, "privacy/settings.html", context, status=status)


@login_required
@require_GET
def privacy_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def marketing_consent(request: HttpRequest) -> HttpResponse:
    form = MarketingConsentForm(request.POST)
    form.is_valid()  # a missing checkbox is a "no"; nothing else can be wrong
    granted = bool(form.cleaned_data.get("granted"))
    services.set_marketing_email_consent(
        member=request.user, granted=granted, ip_address=client_ip(request)
    )
    if granted:
        messages.success(request, _("Thank you: we will e-mail you news and offers."))
    else:
        messages.success(request, _("We will not send you marketing e-mail."))
    return redirect("privacy:settings")


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    try:
        services.request_data_export(member=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        response = redirect("privacy:settings")
        if getattr(error, "retry_after", None):
            response["Retry-After"] = str(error.retry_after)
        return response
    messages.success(
        request, _("We are preparing your data. We will e-mail you when it is ready to download.")
    )
    return redirect("privacy:settings")


@login_required
@require_GET
def download_export(request: HttpRequest, export_id: int) -> HttpResponse:
    """Stream the member's own export; anyone else's, or an expired one, is a 404."""
    export = services.downloadable_export(member=request.user, export_id=export_id)
    if export is None:
        raise Http404(_("No such data export, or it has expired."))
    storage = private_storage()
    try:
        handle = storage.open(export.file_name, "rb")
    except OSError as error:
        raise Http404(_("No such data export, or it has expired.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{request.user.handle}-data-{export.ready_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    allowed = services.allowed_erasure_contents()
    form = DeleteAccountForm(request.POST, allowed_contents=allowed)
    if not form.is_valid():
        return _page(request, delete_form=form, status=422)
    try:
        services.request_account_erasure(
            member=request.user,
            password=form.cleaned_data["password"],
            content=form.cleaned_data["content"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, delete_form=form, status=error.status)
    logout(request)
    messages.success(
        request,
        _("Your account is being deleted. Thank you for having been part of the community."),
    )
    return redirect("community:home")
