# qfilter: a content-filter suite for qmail.
#   make              build bin/ (programs), with -Wall -Wextra -Werror
#   make ASAN=1       the same with AddressSanitizer + UBSan into bin-asan/
#   make check        install missing Debian packages, build, run every test
#   make demo         run the main job on embedded defaults
#   make bench        the benchmark
#   make fuzz         build the libFuzzer targets (clang) into bin-fuzz/
#   make install PREFIX=/var/qmail
PREFIX ?= /var/qmail
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/man
ETCDIR ?= $(PREFIX)/control
VERSION = 0.1.0

CC ?= cc
# libclamav is dlopen()ed (filters/clamav_lib.c): only its headers here.
PKGS = gmime-3.0 libmagic opendkim libcrypto libarchive libunbound
# Read when the Makefile is read: every target that first installs the
# packages (deps) builds in a sub-make, which reads them again afterwards.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libclamav 2>/dev/null)
# libspf2 and libopendmarc have no .pc file: named here (Debian's
# libspf2-dev, libopendmarc-dev); -lresolv for the DNS answer parser
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lopendmarc -lspf2 -lresolv -lcdb -ldl
NEED_PACKAGES ?= tests/lib/need-packages
# A compile without the libraries' flags fails on a missing header deep
# inside; say instead what is missing.
NEED_FLAGS = $(if $(strip $(PKG_CFLAGS)),,$(error pkg-config: $(shell pkg-config --print-errors --cflags $(PKGS) libclamav 2>&1 | head -1); run make deps (or make check, make demo) to install the Debian packages))
WARN = -Wall -Wextra -Werror -Wno-unused-parameter
# The library's folders, lowest layer first (docs/ARCHITECTURE.md):
# each depends only on those before it, and the build holds it to that:
# a file is compiled with the include path of its own folder and the
# folders before it only, so an include that reaches up does not build.
# qfilter/ holds the programs, which may use every layer.
LAYERS = lib qmail sniff mime archive dkim auth rules engine filters daemon
CPPFLAGS += -D_GNU_SOURCE -DQF_VERSION='"$(VERSION)"' -DQF_BINDIR='"$(BINDIR)"'
ALL_INC := $(addprefix -I,$(LAYERS))
# the folders before each one, itself included
below = $(if $(filter $1,$(firstword $2)),$1,$(firstword $2) $(call below,$1,$(wordlist 2,99,$2)))
# A folder listed as UP_<folder> = <higher folders> would be let reach
# up; none is (issue 18 removed the last, dkim/'s).
# -I flags for a source file: by its folder; tests and programs get all
INC = $(if $(filter $(LAYERS),$(firstword $(subst /, ,$1))),$(addprefix -I,$(call below,$(firstword $(subst /, ,$1)),$(LAYERS)) $(UP_$(firstword $(subst /, ,$1)))),$(ALL_INC))
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) $(PKG_CFLAGS)

# The heavy libraries are linked statically into the programs: loading
# them dynamically cost five times qfilter's own work on a typical message
# (20.0 M instructions per message against 4.0 M; see make bench), and
# every shared object one of them still needed cost another tenth of a
# millisecond in the dynamic linker. So all of them, and what they need,
# come from their .a archives; only libc is shared (libclamav, loaded with
# dlopen when configured, needs a dynamic libc). STATIC=0 links
# everything dynamically.
STATIC ?= 1
STATIC_LIBS = -lgmime-3.0 -lgobject-2.0 -lglib-2.0 -lpcre2-8 -lffi -lidn2 -lunistring \
	-lmagic -larchive -lnettle -lxml2 -lbz2 -llzma -lz -lzstd -llz4 -lacl \
	-lopendkim -lopendmarc -lspf2 -lbsd -lmd -ldb -lunbound -levent -lhogweed -lgmp -lssl -lcrypto -lcdb \
	-lresolv

ifeq ($(ASAN),1)
  VARIANT = asan
  BIN = bin-asan
  CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
  STATIC = 0
else
  VARIANT = std
  BIN = bin
endif
ifeq ($(STATIC),1)
  FRONT_LDFLAGS = -static
  FRONT_CC ?= $(shell command -v musl-gcc 2>/dev/null)
  PROG_LIBS = -Wl,--as-needed -Wl,-Bstatic -Wl,--start-group $(STATIC_LIBS) -Wl,--end-group \
	-Wl,-Bdynamic -lm -ldl -pthread
else
  PROG_LIBS = $(PKG_LIBS)
endif
OBJ = obj/$(VARIANT)
ifeq ($(V),1)
  Q =
else
  Q = @
endif

# Files that define main(): the programs, one per file in qfilter/.
MAINS := $(wildcard qfilter/*.c)
LIBSRC := $(wildcard $(addsuffix /*.c,$(LAYERS)))
LIBOBJ := $(LIBSRC:%.c=$(OBJ)/%.o)
PROGS := $(patsubst %.c,$(BIN)/%,$(notdir $(wildcard $(MAINS))))
UNITSRC := $(wildcard tests/unit/test_*.c)
UNITS := $(patsubst tests/unit/%.c,$(BIN)/unit/%,$(UNITSRC))
HDRS := $(wildcard $(addsuffix /*.h,$(LAYERS)))

# tests/diff/: reference readers for the differential test (t-diff.sh)
DIFFTOOLS := $(BIN)/diff/gmime-parts

all: $(PROGS) $(UNITS) $(DIFFTOOLS)

$(OBJ)/%.o: %.c $(HDRS)
	$(NEED_FLAGS)@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(call INC,$<) $(CFLAGS) -c -o $@.$$$$.o $< && mv -f $@.$$$$.o $@

# The layers hold at link level too: no object may use a symbol that a
# higher layer's object defines (mk/layer-edges), even one it declared
# itself instead of including the header its -I flags would refuse.
$(OBJ)/libqf.a: $(LIBOBJ) mk/layer-edges
	@up=$$(mk/layer-edges "$(LAYERS)" $(LIBOBJ)); [ -z "$$up" ] || \
		{ echo "$$up" | sed 's/^/layers: a lower layer uses a higher one: /' >&2; exit 1; }
	@# built aside and renamed: several makes may run at once
	$(Q)rm -f $@.$$$$; ar rcs $@.$$$$ $(LIBOBJ) && mv -f $@.$$$$ $@

$(BIN)/%: $(OBJ)/qfilter/%.o $(OBJ)/libqf.a
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@.tmp $< $(OBJ)/libqf.a $(PROG_LIBS) && mv -f $@.tmp $@

# qfilter itself is the light front that qmail starts for every message:
# no filtering library, linked statically, so that its exec costs almost
# nothing when qfilterd does the work. With musl (musl-gcc, Debian's
# musl-tools) it starts in a third of the time of a static glibc program
# (0.13 ms against 0.36 ms exec to exit here: glibc probes the CPU's caches
# at start-up with cpuid, which traps under virtualisation). FRONT_SRC is
# all the front may use: a link error means it reached for something heavy.
FRONT_SRC = qfilter/qfilter.c qmail/client_env.c lib/action.c lib/config.c daemon/daemon_client.c qmail/deadline.c \
	daemon/daemon_proto.c qmail/deliver.c qmail/envelope.c qmail/exitcodes.c \
	qmail/external.c lib/clock.c lib/io.c lib/log.c engine/msg.c qmail/spool.c engine/outcome_finish.c
ifeq ($(FRONT_CC),)
$(BIN)/qfilter: $(OBJ)/qfilter/qfilter.o $(OBJ)/libqf.a
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(FRONT_LDFLAGS) -o $@.tmp $< $(OBJ)/libqf.a && mv -f $@.tmp $@
else
FRONT_OBJ := $(FRONT_SRC:%.c=obj/front/%.o)
obj/front/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (front)")
	$(Q)$(FRONT_CC) $(CPPFLAGS) $(call INC,$<) -O2 -g -std=gnu11 $(WARN) -c -o $@.$$$$.o $< && mv -f $@.$$$$.o $@

$(BIN)/qfilter: $(FRONT_OBJ) Makefile
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@ (musl)")
	$(Q)$(FRONT_CC) -static -o $@.tmp $(FRONT_OBJ) && mv -f $@.tmp $@
endif

$(BIN)/unit/%: $(OBJ)/tests/unit/%.o $(OBJ)/libqf.a
	@mkdir -p $(BIN)/unit
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(OBJ)/libqf.a $(PKG_LIBS)

$(BIN)/diff/%: tests/diff/%.c
	$(NEED_FLAGS)@mkdir -p $(BIN)/diff
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp $< $(shell pkg-config --libs gmime-3.0 2>/dev/null) && mv -f $@.tmp $@

$(OBJ)/tests/unit/%.o: tests/unit/%.c $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_INC) -Itests/unit $(CFLAGS) -c -o $@ $<

# Fuzz targets: tests/fuzz/fuzz_*.c, built with clang's libFuzzer.
FUZZSRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZCFLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) $(ALL_INC) $(PKG_CFLAGS) -Wall -Wextra -Werror -Wno-unused-parameter
FUZZOBJ := $(LIBSRC:%.c=obj/fuzz/%.o)
fuzz: $(patsubst tests/fuzz/%.c,bin-fuzz/%,$(FUZZSRC))
obj/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (fuzz)")
	$(Q)clang $(FUZZCFLAGS) -c -o $@ $<
obj/fuzz/libqf.a: $(FUZZOBJ)
	$(Q)rm -f $@; ar rcs $@ $^
bin-fuzz/%: tests/fuzz/%.c obj/fuzz/libqf.a $(HDRS)
	@mkdir -p bin-fuzz
	@$(if $(Q),echo "  LD      $@")
	$(Q)clang $(FUZZCFLAGS) -o $@ $< obj/fuzz/libqf.a $(PKG_LIBS)

deps:
	@$(NEED_PACKAGES)

check: deps
	$(MAKE) all
	tests/run-all bin

check-asan: deps
	$(MAKE) ASAN=1 all
	tests/run-all bin-asan

check-slow: deps
	$(MAKE) all
	tests/run-slow

bench: deps
	$(MAKE) all
	tests/bench/run

demo: deps
	$(MAKE) all
	tests/demo/run

# the include flags a file in folder F gets (tests/t-layers.sh)
print-inc:
	@echo $(call INC,$(F)/x.c)

# rewrites the sample output in docs/INSTALL.md from real runs
docs-samples: all
	tests/docs-samples update

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(ETCDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 644 docs/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 docs/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/qfilter.conf.example $(DESTDIR)$(ETCDIR)/qfilter.conf.example
	install -m 644 rules/default.rules $(DESTDIR)$(ETCDIR)/qfilter.rules.example
	@id qfilterd >/dev/null 2>&1 || echo "make install: for qfilterd, create its user once (qfilterd(8), USER AND GROUP):" \
		"useradd -r -g nofiles -M -d /nonexistent -s /usr/sbin/nologin qfilterd"

clean:
	rm -rf obj bin bin-asan bin-fuzz

.PHONY: print-inc docs-samples all deps check check-asan check-slow bench demo install clean fuzz
.SECONDARY:
