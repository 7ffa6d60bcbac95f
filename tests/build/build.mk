TESTS += tests/build/image.t
TESTS += tests/build/deps.t
