TESTS += tests/build/image.t
