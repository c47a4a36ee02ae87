"""Fit or size questions per product type: asked on the form, answered optionally, shown on the
review and summed on the product page and in the API."""

import pytest
from django.urls import reverse

from flywheel.commerce.models import Product
from flywheel.core.exceptions import InvalidInput
from flywheel.reviews import services
from flywheel.reviews.models import FitAnswer, Review
from tests.factories import UserFactory
from tests.reviews.conftest import buy

pytestmark = pytest.mark.django_db

FIT = ["Runs small", "True to size", "Runs large"]


@pytest.fixture
def fit(product):
    return services.define_fit_question(
        product_type="Footwear", prompt="How does it fit?", choices=FIT, products=[product]
    )


def write(member, product, **overrides):
    values = {"rating": 4, "title": "Good boots", "body": "Dry feet all week."}
    values.update(overrides)
    return services.write_review(product=product, author=member, **values)


def test_an_answer_is_stored_and_shown_on_the_review_and_in_the_summary(
    client, buyer, product, fit
):
    write(buyer, product, fit_answers={str(fit.pk): "Runs small"})
    other = UserFactory()
    buy(other, product)
    write(other, product, fit_answers={str(fit.pk): "True to size"})
    html = client.get(reverse("reviews:product", args=[product.pk])).content.decode()
    assert 'data-testid="fit-answers"' in html
    summary = html.split('data-testid="fit-summary"')[1].split("</div>")[0]
    assert "How does it fit?" in summary
    assert "Runs small 50%" in summary and "True to size 50%" in summary
    assert "Runs large 0%" in summary
    assert "(2 answers)" in summary
    data = client.get(f"/api/v1/reviews/products/{product.pk}").json()
    assert {"question": "How does it fit?", "answer": "Runs small"} in [
        answer for item in data["items"] for answer in item["fit"]
    ]


def test_an_answer_outside_the_choices_is_refused_naming_the_field(buyer, product, fit):
    with pytest.raises(InvalidInput) as refused:
        write(buyer, product, fit_answers={str(fit.pk): "<b>Huge</b>"})
    assert refused.value.field == f"fit_{fit.pk}"
    assert not Review.objects.exists()


def test_a_question_of_another_product_type_is_refused(buyer, product, store):
    jacket = Product.objects.create(store=store, external_id="j1", title="Rain jacket")
    other = services.define_fit_question(
        product_type="Jackets",
        prompt="Sleeve length?",
        choices=["Short", "Long"],
        products=[jacket],
    )
    with pytest.raises(InvalidInput) as refused:
        write(buyer, product, fit_answers={str(other.pk): "Short"})
    assert refused.value.field == "fit"
    assert not Review.objects.exists()


def test_questions_are_optional_and_only_asked_for_their_products(
    client, buyer, product, store, fit
):
    client.force_login(buyer)
    form = client.get(reverse("reviews:write", args=[product.pk])).content.decode()
    assert "How does it fit?" in form and 'name="fit_' in form
    response = client.post(
        reverse("reviews:write", args=[product.pk]),
        {"rating": 5, "title": "Light", "body": "No answer to the fit question."},
    )
    assert response.status_code == 302
    assert not FitAnswer.objects.exists()
    stove = Product.objects.create(store=store, external_id="s1", title="Stove")
    buy(buyer, stove)
    assert (
        "How does it fit?"
        not in client.get(reverse("reviews:write", args=[stove.pk])).content.decode()
    )


def test_the_form_posts_an_answer_and_editing_changes_it(client, buyer, product, fit):
    client.force_login(buyer)
    client.post(
        reverse("reviews:write", args=[product.pk]),
        {"rating": 5, "title": "Light", "body": "Fits well.", f"fit_{fit.pk}": "True to size"},
    )
    review = Review.objects.get()
    assert review.fit_answers.get().choice == "True to size"
    edit = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    assert 'value="True to size" checked' in edit
    response = client.post(
        reverse("reviews:edit", args=[review.pk]),
        {"rating": 5, "title": "Light", "body": "Fits well.", f"fit_{fit.pk}": "Runs large"},
    )
    assert response.status_code == 302
    assert review.fit_answers.get().choice == "Runs large"


def test_a_fit_question_needs_two_different_answers():
    with pytest.raises(InvalidInput) as refused:
        services.define_fit_question(product_type="Hats", prompt="Size?", choices=["M", "M"])
    assert refused.value.field == "choices"
