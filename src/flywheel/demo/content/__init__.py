"""Hand-written building blocks for the demo community; demo/plan.py composes them."""
