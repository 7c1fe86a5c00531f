import rules  # noqa: F401  (capture permissions are registered with the capture pages)
