# Thin wrappers over the CMake presets. `make run` and `make test` are the two commands a new
# user needs (README.md).
.PHONY: deps build build-debug run test test-unit bench fuzz format lint clean web-dev

JOBS ?= $(shell nproc)
# ccache keys on paths relative to the checkout, so a fresh clone (CI) reuses earlier builds.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

run: build
	@mkdir -p data
	./build/release/rally serve --db ./data/rally.db --listen $(LISTEN)

# The whole suite: unit and API tests under ASan+UBSan, then the release-build tests
# (integration against real services, benchmarks' smoke runs).
test: build-debug
	@ctest --preset debug

# The web UI with hot reload on http://127.0.0.1:5173, its /api proxied to a server started
# with `make run` (RALLY_URL to point elsewhere). The binary embeds its own build of web/ (make
# build); `rally serve --web-dir DIR` serves a `vite build` output from disk instead.
web-dev: deps
	@cd web && npm run dev

bench: build
	@bench/run-all

# Every libFuzzer target (fuzz/) for FUZZ_SECONDS each, built with clang in build/fuzz.
# `make test` already replays their seed corpora; this searches for new inputs.
fuzz:
	@scripts/install-deps --fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) fuzz/run

format:
	@find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

lint:
	@scripts/check-layers

clean:
	rm -rf build
