"""Shopify order payloads (the documented format) for a friend's order, sent to the real
webhook endpoint."""

import copy
import datetime
import itertools

from django.utils import timezone

from tests.commerce.webhook_helpers import load, post_shopify

_ids = itertools.count(900000000000000001)


def order_payload(
    *,
    email: str,
    first_name="Bran",
    last_name="Stark",
    address1="Winterfell 1",
    discount_codes=(),
    landing_site="",
    status="paid",
    customer_id=None,
    placed_at=None,
):
    payload = copy.deepcopy(load("shopify", "orders_paid"))
    placed_at = placed_at or timezone.now() - datetime.timedelta(minutes=5)
    order_id = next(_ids)
    payload.update(
        id=order_id,
        admin_graphql_api_id=f"gid://shopify/Order/{order_id}",
        name=f"#{order_id % 100000}",
        order_number=order_id % 100000,
        email=email,
        contact_email=email,
        created_at=placed_at.isoformat(),
        processed_at=placed_at.isoformat(),
        updated_at=(placed_at + datetime.timedelta(minutes=1)).isoformat(),
        financial_status=status,
        refunds=[],
        discount_codes=[
            {"code": code, "amount": "10.00", "type": "percentage"} for code in discount_codes
        ],
        landing_site=landing_site,
    )
    payload["customer"] = {
        **payload["customer"],
        "id": customer_id or next(_ids),
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
    }
    for key in ("billing_address", "shipping_address"):
        payload[key] = {
            **payload[key],
            "first_name": first_name,
            "last_name": last_name,
            "address1": address1,
        }
    return payload


def send_order(client, payload, name="orders_paid"):
    response = post_shopify(client, name, payload=payload)
    assert response.status_code == 200, response.content
    return payload


def send_refund(client, order_payload_sent, amount="21.60"):
    payload = copy.deepcopy(load("shopify", "refunds_create"))
    payload.update(order_id=order_payload_sent["id"], id=next(_ids))
    response = post_shopify(client, "refunds_create", payload=payload)
    assert response.status_code == 200, response.content
