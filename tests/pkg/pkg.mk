# Installing and packaging (docs/packaging.md).
# make check: `make install` into a temporary root, then the installed tool, image,
# man pages and examples are used from there (tests/pkg/install.t).
# make deb: the Debian package, dpkg-buildpackage -b from a copy of the tree (so the
# tree's own build/ and its caches are left alone), into $(DEB_DIR).
# make check-deb: its build dependencies, the package, then tests/pkg/deb.t (lintian,
# its contents, unpacked and used: the image boots a payload bundled by its tool).
TESTS += tests/pkg/install.t

DEB_DIR := $(BUILD)/deb
.PHONY: deb check-deb
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/cocoboot
	tar -c --exclude=./.git --exclude=./build --exclude='./$(BUILD)' . | tar -x -C $(DEB_DIR)/cocoboot
	cd $(DEB_DIR)/cocoboot && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -b -us -uc >../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	@ls $(DEB_DIR)/*.deb

check-deb: $(UKT) $(BUILD)/cocoboot.elf
	$(Q)tools/install-deps deb
	$(Q)$(MAKE) --no-print-directory deb
	BUILD=$(BUILD) prove --exec '' -v tests/pkg/deb.t
