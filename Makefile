# gatewayd: a just-in-time access gateway for MySQL and MariaDB.
#
#   make            build everything
#   make check      install missing packages, build, run every test
#   make bench      gatewayd against direct MariaDB and haproxy
#   make run        the demo: throwaway MariaDB, demo policy, local keys
#   make install    PREFIX, DESTDIR, SYSCONFDIR, LOCALSTATEDIR as usual
#
# SANDBOX=null builds a worker without the seccomp filter, for valgrind
# and sanitizer runs; it is never a runtime switch.  WERROR=1 turns
# warnings into errors (CI sets it).

PREFIX ?=	/usr/local
SBINDIR ?=	$(PREFIX)/sbin
BINDIR ?=	$(PREFIX)/bin
LIBEXECDIR ?=	$(PREFIX)/libexec/gatewayd
MANDIR ?=	$(PREFIX)/share/man
SYSCONFDIR ?=	/etc
LOCALSTATEDIR ?= /var
RUNSTATEDIR ?=	/run
UNITDIR ?=	/lib/systemd/system
DESTDIR ?=

SANDBOX ?=	seccomp
WERROR ?=

CC ?=		cc
FUZZCC ?=	clang
YACC =		bison -y
PKG_CONFIG ?=	pkg-config

WARN =		-Wall -Wextra -Wshadow -Wmissing-prototypes \
		-Wstrict-prototypes -Wpointer-arith -Wcast-qual \
		-Wno-unused-parameter
ifeq ($(WERROR),1)
WARN +=		-Werror
endif

PATHS =		-DGW_LIBEXECDIR='"$(LIBEXECDIR)"' \
		-DGW_CONFFILE='"$(SYSCONFDIR)/gatewayd/gatewayd.conf"' \
		-DGW_LOGDIR='"$(LOCALSTATEDIR)/log/gatewayd"' \
		-DGW_STATEDIR='"$(LOCALSTATEDIR)/lib/gatewayd"' \
		-DGW_EMPTYDIR='"$(LOCALSTATEDIR)/empty"' \
		-DGW_CTLSOCK='"$(RUNSTATEDIR)/gatewayd.sock"'

ifeq ($(SANDBOX),null)
PATHS +=	-DGW_SANDBOX_NULL
endif

CFLAGS ?=	-O2 -g
CFLAGS +=	-std=gnu11 -D_GNU_SOURCE -fstack-protector-strong \
		-D_FORTIFY_SOURCE=2 -fPIE $(WARN)
CPPFLAGS +=	-I. -include common/compat.h $(PATHS)
LDFLAGS +=	-pie -Wl,-z,relro,-z,now

pc = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null)

EVENT_CFLAGS =	$(call pc,--cflags,libevent libevent_openssl)
EVENT_LIBS =	$(call pc,--libs,libevent libevent_openssl)
SSL_CFLAGS =	$(call pc,--cflags,libssl libcrypto)
SSL_LIBS =	$(call pc,--libs,libssl libcrypto)
MYSQL_CFLAGS =	$(call pc,--cflags,mysqlclient)
MYSQL_LIBS =	$(call pc,--libs,mysqlclient)
JANSSON_CFLAGS = $(call pc,--cflags,jansson)
JANSSON_LIBS =	$(call pc,--libs,jansson)
OAUTH_CFLAGS =	$(call pc,--cflags,liboauth2)
OAUTH_LIBS =	$(call pc,--libs,liboauth2)
SECCOMP_CFLAGS = $(call pc,--cflags,libseccomp)
SECCOMP_LIBS =	$(call pc,--libs,libseccomp)
CHECK_CFLAGS =	$(call pc,--cflags,check)
CHECK_LIBS =	$(call pc,--libs,check)

ALL_CFLAGS =	$(CPPFLAGS) $(CFLAGS) $(EVENT_CFLAGS) $(SSL_CFLAGS) \
		$(MYSQL_CFLAGS) $(JANSSON_CFLAGS) $(SECCOMP_CFLAGS)

COMMON_SRCS =	$(sort $(wildcard common/*.c))
POLICY_SRCS =	$(sort $(filter-out policy/parse.c, \
		    $(wildcard policy/*.c))) policy/parse.c
PARENT_SRCS =	$(sort $(wildcard gatewayd/*.c))
BROKER_SRCS =	$(sort $(wildcard broker/*.c))
WORKER_SRCS =	$(sort $(wildcard worker/*.c))
CTL_SRCS =	$(sort $(wildcard gatewayctl/*.c))

COMMON_OBJS =	$(COMMON_SRCS:.c=.o)
POLICY_OBJS =	$(POLICY_SRCS:.c=.o)
PARENT_OBJS =	$(PARENT_SRCS:.c=.o)
BROKER_OBJS =	$(BROKER_SRCS:.c=.o)
WORKER_OBJS =	$(WORKER_SRCS:.c=.o)
CTL_OBJS =	$(CTL_SRCS:.c=.o)

LIBCOMMON =	common/libcommon.a
LIBPOLICY =	policy/libpolicy.a

PROGS =		gatewayd/gatewayd broker/gatewayd-broker \
		worker/gatewayd-worker gatewayctl/gatewayctl

UNIT_SRCS =	$(sort $(wildcard regress/unit/test_*.c))
UNITS =		$(UNIT_SRCS:.c=)
REGRESS_PROGS =	regress/prog/sandbox-probe regress/prog/rogue-worker \
		regress/prog/mint-test regress/prog/dbauth-login
FUZZ_SRCS =	$(sort $(wildcard regress/fuzz/fuzz_*.c))
FUZZERS =	$(FUZZ_SRCS:.c=)
FUZZ_SECONDS ?=	20

.PHONY: all deps check check-only unit e2e fuzz bench run demo-up \
	demo-down install clean format format-check FORCE

all: $(PROGS)

deps:
	@sh scripts/deps

%.o: %.c .paths
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Each object depends on the headers it included last time it was built.
-include $(wildcard */*.d regress/*/*.d)

# Objects carry the install paths: rebuild them when PREFIX and the
# like change, so that "make install PREFIX=/usr" installs what it says.
.paths: FORCE
	@echo '$(PATHS) $(CFLAGS)' | cmp -s - $@ || \
	    echo '$(PATHS) $(CFLAGS)' >$@

policy/parse.c: policy/parse.y
	$(YACC) -Wno-yacc -o $@ $<

$(LIBCOMMON): $(COMMON_OBJS)
	rm -f $@ && ar rcs $@ $^

$(LIBPOLICY): $(POLICY_OBJS)
	rm -f $@ && ar rcs $@ $^

gatewayd/gatewayd: $(PARENT_OBJS) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(EVENT_LIBS) $(SSL_LIBS)

broker/gatewayd-broker: $(BROKER_OBJS) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(EVENT_LIBS) $(MYSQL_LIBS) \
	    $(OAUTH_LIBS) $(JANSSON_LIBS) $(SSL_LIBS)

worker/gatewayd-worker: $(WORKER_OBJS) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(EVENT_LIBS) $(SSL_LIBS) \
	    $(JANSSON_LIBS) $(SECCOMP_LIBS)

gatewayctl/gatewayctl: $(CTL_OBJS) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(JANSSON_LIBS)

# Regression programs link the same objects the daemons use.
regress/prog/sandbox-probe: regress/prog/sandbox-probe.o \
    worker/sandbox.o $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(SECCOMP_LIBS)

regress/prog/rogue-worker: regress/prog/rogue-worker.o $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^

regress/prog/dbauth-login: regress/prog/dbauth-login.o $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(SSL_LIBS)

regress/prog/mint-test: regress/prog/mint-test.o broker/mint.o \
    broker/ledger.o $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(MYSQL_LIBS)

# The benchmark's client speaks the wire protocol itself, with OpenSSL.
regress/bench/tls-connect: regress/bench/tls-connect.o
	$(CC) $(LDFLAGS) -o $@ $^ $(SSL_LIBS)

# Unit tests of broker modules link those modules' objects.
regress/unit/test_ledger: regress/unit/test_ledger.o broker/ledger.o \
    $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(SSL_LIBS)

# The token verifier's test also needs the broker's object and liboauth2.
regress/unit/test_token: regress/unit/test_token.o broker/token.o \
    $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(OAUTH_LIBS) $(JANSSON_LIBS) \
	    $(CHECK_LIBS) $(SSL_LIBS)

regress/unit/test_%: regress/unit/test_%.o $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(SSL_LIBS)

$(UNIT_SRCS:.c=.o): CFLAGS += $(CHECK_CFLAGS)
broker/token.o: CFLAGS += $(OAUTH_CFLAGS)

# Fuzz targets are built apart, with clang and its sanitizers, straight
# from the sources they exercise.
FUZZ_FLAGS =	-g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
		-D_GNU_SOURCE -I. -include common/compat.h $(PATHS)
regress/fuzz/fuzz_%: regress/fuzz/fuzz_%.c $(COMMON_SRCS) $(POLICY_SRCS)
	$(FUZZCC) $(FUZZ_FLAGS) -o $@ $< $(COMMON_SRCS) $(POLICY_SRCS) \
	    $(SSL_LIBS)

regress/fuzz/fuzz_token: regress/fuzz/fuzz_token.c broker/token.c \
    $(COMMON_SRCS) $(POLICY_SRCS)
	$(FUZZCC) $(FUZZ_FLAGS) $(OAUTH_CFLAGS) -o $@ $< broker/token.c \
	    $(COMMON_SRCS) $(POLICY_SRCS) $(OAUTH_LIBS) $(JANSSON_LIBS) \
	    $(SSL_LIBS)

# make check: everything a fresh Debian 12 machine needs, then every
# test.  check-only skips the package step.
check: deps
	@$(MAKE) --no-print-directory WERROR=$(WERROR) check-only

check-only: all $(UNITS) $(REGRESS_PROGS) $(FUZZERS)
	@$(MAKE) --no-print-directory format-check
	sh regress/unit/run.sh $(UNITS)
	sh regress/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)
	sh regress/e2e/run.sh

unit: $(UNITS)
	sh regress/unit/run.sh $(UNITS)

e2e: all $(REGRESS_PROGS)
	sh regress/e2e/run.sh

fuzz: $(FUZZERS)
	sh regress/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

bench: all $(REGRESS_PROGS) regress/bench/tls-connect
	sh regress/bench/run.sh

run: deps
	@$(MAKE) --no-print-directory all
	sh scripts/demo run

demo-up: deps
	@$(MAKE) --no-print-directory all
	sh scripts/demo up

demo-down:
	sh scripts/demo down

# Hand-written C only; the generated parser is left alone.
FORMAT_FILES =	$(filter-out policy/parse.c, $(sort $(wildcard \
		    */*.[ch] regress/*/*.[ch])))

format:
	clang-format -i $(FORMAT_FILES) 

format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES)
	@! expand -t 8 $(FORMAT_FILES) policy/parse.y | \
	    awk 'length > 80 { print "line over 80 columns: " $$0; n++ } \
	    END { exit n == 0 }'

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/gatewayd $(DESTDIR)$(UNITDIR)
	install -m 755 gatewayd/gatewayd $(DESTDIR)$(SBINDIR)/gatewayd
	install -m 755 gatewayctl/gatewayctl $(DESTDIR)$(SBINDIR)/gatewayctl
	install -m 755 broker/gatewayd-broker \
	    $(DESTDIR)$(LIBEXECDIR)/gatewayd-broker
	install -m 755 worker/gatewayd-worker \
	    $(DESTDIR)$(LIBEXECDIR)/gatewayd-worker
	install -m 644 man/gatewayd.8 man/gatewayctl.8 \
	    $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/gatewayd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	sed -e 's,/usr/local/sbin,$(SBINDIR),g' \
	    -e 's,/etc/gatewayd,$(SYSCONFDIR)/gatewayd,g' \
	    etc/gatewayd.service >$(DESTDIR)$(UNITDIR)/gatewayd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/gatewayd.service
	install -m 644 etc/gatewayd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/gatewayd/gatewayd.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/gatewayd/gatewayd.conf || \
	    install -m 600 etc/gatewayd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/gatewayd/gatewayd.conf

clean:
	rm -f */*.o */*.d */*.a regress/*/*.o regress/*/*.d policy/parse.c \
	    $(PROGS) $(UNITS) $(REGRESS_PROGS) $(FUZZERS) \
	    regress/bench/tls-connect
	rm -f .paths
	rm -rf run/regress
