"""`flywheel demo`: each module here reads one demo community built once for the package
(conftest.py); tests/demo_own_build/ holds the demo tests that need a build of their own."""

# One option set for the package: 40 members, so that the store's buyers are about half of
# them, and test_demo.py's 15 topics and 60 replies.
DEMO = {"members": 40, "topics": 15, "replies": 60, "seed": 7, "quiet": True}
