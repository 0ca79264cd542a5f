"""The checks scripts/check-lark-sdk runs with lark-oapi against a running sandbox (its base URL is argv[1])."""
import sys

import lark_oapi as lark
from lark_oapi.api.calendar.v4 import (
    CreateExchangeBindingRequest,
    DeleteExchangeBindingRequest,
    ExchangeBinding,
    GetExchangeBindingRequest,
)
from lark_oapi.api.contact.v3 import BatchGetIdUserRequest, BatchGetIdUserRequestBody

base_url = sys.argv[1]


def make_client(set_token):
    builder = lark.Client.builder().app_id("cli_sandbox_app").app_secret("sandbox-app-secret").domain(base_url)
    return builder.enable_set_token(set_token).log_level(lark.LogLevel.WARNING).build()


# User-token calls pass the token by hand; the app client fetches its own tenant token.
client = make_client(True)
app_client = make_client(False)
admin = lark.RequestOption.builder().user_access_token("u-sdk-super-admin").build()
member = lark.RequestOption.builder().user_access_token("u-sdk-member").build()
failures = []


def check(name, condition, detail=""):
    print(f"  {'ok  ' if condition else 'FAIL'} {name}{': ' + detail if detail and not condition else ''}")
    if not condition:
        failures.append(name)


def create(user_id, option):
    body = (
        ExchangeBinding.builder()
        .admin_account("exchange-admin@example.com")
        .exchange_account("sdk.check@example.com")
        .user_id(user_id)
        .build()
    )
    request = CreateExchangeBindingRequest.builder().user_id_type("open_id").request_body(body).build()
    return client.calendar.v4.exchange_binding.create(request, option)


print(f"lark-oapi {lark.VERSION if hasattr(lark, 'VERSION') else ''} against the sandbox at {base_url}")
created = create("ou_sdk_user", admin)
check("create succeeds", created.success(), f"code {created.code} {created.msg}")
binding_id = created.data.exchange_binding_id if created.success() else ""
check("create answers status doing", created.success() and created.data.status == "doing")
check("the log id header reaches the SDK", bool(created.get_log_id()))

got = client.calendar.v4.exchange_binding.get(
    GetExchangeBindingRequest.builder().exchange_binding_id(binding_id).user_id_type("open_id").build(), admin
)
check("get finds the binding", got.success() and got.data.exchange_account == "sdk.check@example.com", f"code {got.code} {got.msg}")
check("get names the user", got.success() and got.data.user_id == "ou_sdk_user")

refused = create("ou_sdk_user", member)
check("a member's token answers 195101", refused.code == 195101, f"code {refused.code}")
gone = create("ou_sdk_gone", admin)
check("a user not in the tenant answers 195100", gone.code == 195100, f"code {gone.code}")
malformed = client.calendar.v4.exchange_binding.get(GetExchangeBindingRequest.builder().exchange_binding_id("not-an-id").build(), admin)
check("a malformed id answers 195102", malformed.code == 195102, f"code {malformed.code}")

lookup = app_client.contact.v3.user.batch_get_id(
    BatchGetIdUserRequest.builder()
    .user_id_type("open_id")
    .request_body(BatchGetIdUserRequestBody.builder().emails(["na.li@example.com", "nobody@example.com"]).build())
    .build()
)
check("batch_get_id works with the tenant token the SDK fetched", lookup.success(), f"code {lookup.code} {lookup.msg}")
if lookup.success():
    ids = {entry.email: entry.user_id for entry in lookup.data.user_list}
    check("a known email resolves", ids.get("na.li@example.com") == "ou_sandbox_li_na", str(ids))
    check("an unknown email has no user_id", ids.get("nobody@example.com") is None, str(ids))

deleted = client.calendar.v4.exchange_binding.delete(
    DeleteExchangeBindingRequest.builder().exchange_binding_id(binding_id).build(), admin
)
check("delete succeeds", deleted.success(), f"code {deleted.code} {deleted.msg}")
again = client.calendar.v4.exchange_binding.delete(
    DeleteExchangeBindingRequest.builder().exchange_binding_id(binding_id).build(), admin
)
check("deleting again answers 195103", again.code == 195103, f"code {again.code}")

print(f"check-lark-sdk: {'all checks passed' if not failures else f'{len(failures)} failed'}")
sys.exit(1 if failures else 0)
