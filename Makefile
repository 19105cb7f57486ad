# logpipe: the two commands of the README.
#   make run   install what is needed, build, run the payment example
#   make test  install what is needed, build, run every test (also under ASan+UBSan)

BUILD      ?= build
ASAN_BUILD ?= build-asan
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian 12 packages: DEB_BUILD builds logpipe and runs the example;
# DEB_TEST_BUILD is what the tests need besides to build (jansson: the JSON
# model's unit tests compare it with the real jansson; logpipe does not use it);
# DEB_TEST runs the tests and their peers.
DEB_BUILD := gcc make meson ninja-build pkg-config python3 libpcre2-dev \
             libcurl4-openssl-dev librdkafka-dev zlib1g-dev libssl-dev tzdata
DEB_TEST_BUILD := libjansson-dev
DEB_TEST  := $(DEB_TEST_BUILD) python3 openssl kcat prometheus-alertmanager curl procps jq valgrind
NPM_TEST_DIRS := tests/integration/beats

.PHONY: all deps build-deps build run test test-unit test-asan clean fuzz

all: build

# $(call install_debs,PACKAGES): installs those of PACKAGES that are missing.
define install_debs
	@missing=""; for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_debs,$(DEB_BUILD) $(DEB_TEST))
	@# Node.js and npm (the Beats tests' third-party client): Debian's, unless the machine has them
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; fi
	@for d in $(NPM_TEST_DIRS); do \
	  if [ -f $$d/package.json ] && [ ! -d $$d/node_modules ]; then \
	    (cd $$d && npm install --no-audit --no-fund --loglevel=error) || exit 1; fi; done

build-deps:
	$(call install_debs,$(DEB_BUILD))

# A new build directory is configured without the tests (-Dtests=false), so
# that building logpipe needs DEB_BUILD only; make test turns them on.
$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release -Dwerror=true -Dtests=false

# logpipe alone (with the tests on, they are built by make test).
build: build-deps $(BUILD)/build.ninja
	meson setup --reconfigure $(BUILD) >/dev/null
	ninja -C $(BUILD) logpipe

run: build
	./examples/payment/run.sh $(BUILD)/logpipe

test: deps $(BUILD)/build.ninja
	meson setup --reconfigure $(BUILD) -Dtests=true >/dev/null
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs --num-processes 2 || true
	$(MAKE) --no-print-directory test-asan
	python3 tests/summary.py $(BUILD) $(ASAN_BUILD)

test-asan:
	[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
	meson setup --reconfigure $(ASAN_BUILD) >/dev/null
	ninja -C $(ASAN_BUILD)
	# every suite again on the sanitized build; the Elasticsearch fault matrix
	# runs on 20,000 events there (100,000 in the plain build)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ES_TEST_EVENTS=20000 meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --timeout-multiplier 3 || true

# make fuzz: builds the libFuzzer targets of tests/fuzz with clang and runs
# each for FUZZ_SECONDS over its corpus (new inputs go to $(FUZZ_BUILD)/corpus,
# crashes to $(FUZZ_BUILD)/artifacts). Needs Debian's clang.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := conf fieldref template beats_frame codec linesplit mutate_ops date es_response

fuzz: build-deps
	$(call install_debs,$(DEB_TEST_BUILD))
	@command -v clang >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends clang; }
	[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang meson setup $(FUZZ_BUILD) -Dfuzzing=true -Db_lundef=false
	meson setup --reconfigure $(FUZZ_BUILD) >/dev/null
	ninja -C $(FUZZ_BUILD)
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  dict=""; [ -f tests/fuzz/dict/$$t.dict ] && dict="-dict=tests/fuzz/dict/$$t.dict"; \
	  $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t $$dict -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
	    >$(FUZZ_BUILD)/fuzz_$$t.log 2>&1 || failed="$$failed $$t"; \
	  grep -E 'stat::number_of_executed_units' $(FUZZ_BUILD)/fuzz_$$t.log; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failures in:$$failed (see $(FUZZ_BUILD)/fuzz_<target>.log)"; exit 1; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
