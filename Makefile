# pkiward front door. Two commands on a fresh Debian 12 machine:
#   make demo   install what is missing, build, run the demo on the embedded store
#   make test   install what is missing, build, run every test (plus an ASan+UBSan build)
# Everything else is plain CMake: build/ (release), build-asan/ (sanitizers).

JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-unit test-asan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh
	@# Browser tests drive Debian's chromium with playwright-core (npm, locked).
	@[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DPW_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)

# The whole suite: release build (unit, e2e, fuzz-corpus replay), then the
# unit tests and fuzz replays again under ASan+UBSan, then a short libFuzzer run.
test: build test-asan fuzz
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPW_WERROR=ON -DPW_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|fuzz'

# Builds every libFuzzer target with clang and runs each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 5
fuzz: deps
	CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPW_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	bash scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
