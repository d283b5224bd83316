# flowroute-numbers: every task a developer or CI needs. `make help` lists them.
GO       ?= go
BIN      ?= bin/flowroute-numbers
REVISION := $(shell git rev-parse HEAD 2>/dev/null)
# VERSION is stamped into the binary: `make release VERSION=v1.2.3`, else what git describe says.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
CLIPKG   := github.com/flowroute-numbers/flowroute-numbers/internal/cli
LDFLAGS  := -X $(CLIPKG).revision=$(REVISION) -X $(CLIPKG).version=$(VERSION)
# make release cross-builds these GOOS/GOARCH pairs into DIST.
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST      ?= dist
FUZZTIME ?= 30s
DEMO_DIR := .demo

.PHONY: help build release test lint fuzz bench demo demo-v2 generate clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/flowroute-numbers
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Static binaries (CGO_ENABLED=0) named flowroute-numbers_VERSION_OS_ARCH[.exe], and SHA256SUMS
# in the format `sha256sum -c` reads.
release: ## cross-build static binaries with VERSION stamped in, and SHA256SUMS, into dist/
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		out=$(DIST)/flowroute-numbers_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "== $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false \
			-ldflags "-s -w $(LDFLAGS)" -o $$out . ; \
	done
	@cd $(DIST) && if command -v sha256sum >/dev/null; then sha256sum flowroute-numbers_* > SHA256SUMS; \
		else shasum -a 256 flowroute-numbers_* > SHA256SUMS; fi
	@echo "== $(DIST)/SHA256SUMS"; cat $(DIST)/SHA256SUMS

# gotestsum (a tool dependency in go.mod) prints each package as it finishes: on a cold machine
# the first packages take minutes to compile with the race detector, and go test alone prints
# nothing until then.
test: ## run every test with the race detector, one line per package as it finishes
	@echo "== go test -race ./... (a cold machine first compiles every package: a few minutes)"
	$(GO) tool gotestsum --format pkgname-and-test-fails --format-hide-empty-pkg -- -race ./...

lint: ## go vet, staticcheck, gofmt and go mod tidy must leave no diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@cp go.mod /tmp/flowroute-go.mod.bak; cp go.sum /tmp/flowroute-go.sum.bak; \
	$(GO) mod tidy; \
	if ! cmp -s go.mod /tmp/flowroute-go.mod.bak || ! cmp -s go.sum /tmp/flowroute-go.sum.bak; then \
		echo "go mod tidy changed go.mod/go.sum: run it and commit the result"; \
		cp /tmp/flowroute-go.mod.bak go.mod; cp /tmp/flowroute-go.sum.bak go.sum; exit 1; fi

# Every fuzz target, as package:Target; go test fuzzes one target at a time.
FUZZ_TARGETS := ./spec:FuzzLoadSpec ./flowroute/v1:FuzzDecodeAnswers ./flowroute/v2:FuzzDecodeV2 \
	./flowroute/sandbox:FuzzRoute ./flowroute/sandbox:FuzzStateFile \
	./flowroute/sandbox:FuzzV2 ./spec:FuzzAddNumbers

fuzz: ## run each fuzz target for FUZZTIME (default 30s)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} ($${t%%:*}) for $(FUZZTIME)"; \
		$(GO) test $${t%%:*} -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME); \
	done

# make bench runs every benchmark BENCH_COUNT times, one package at a time (-p 1: two latency
# benchmarks sharing the cores would measure each other), keeps the output in BENCH_OUT and
# summarises it: per benchmark the median, the spread and the ratio to its honest bound.
BENCH_COUNT ?= 3
BENCH_OUT   ?= bench.txt
bench: ## run every benchmark BENCH_COUNT (3) times, one package at a time, and summarise them
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -benchtime 1x -count $(BENCH_COUNT) -timeout 60m ./... | tee $(BENCH_OUT)
	@echo; $(GO) run ./internal/measure/benchsum < $(BENCH_OUT)

generate: ## regenerate the committed JSON Schema
	$(GO) generate ./...

demo: build ## plan, apply and re-plan the quickstart spec against a fresh sandbox
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo '$$ flowroute-numbers --sandbox plan -f examples/quickstart.yaml'
	@$(BIN) --sandbox --sandbox-state $(DEMO_DIR)/sandbox.json plan -f examples/quickstart.yaml
	@echo; echo '$$ flowroute-numbers --sandbox apply -f examples/quickstart.yaml --auto-approve'
	@$(BIN) --sandbox --sandbox-state $(DEMO_DIR)/sandbox.json apply -f examples/quickstart.yaml --auto-approve
	@echo; echo '$$ flowroute-numbers --sandbox plan -f examples/quickstart.yaml'
	@$(BIN) --sandbox --sandbox-state $(DEMO_DIR)/sandbox.json plan -f examples/quickstart.yaml

# The v2 walk-through: aliases, an E911 address, CNAM (approved at once by the sandbox) and
# messaging callbacks, on a sandbox account of its own.
DEMO_V2 := $(BIN) --api v2 --sandbox --sandbox-state $(DEMO_DIR)/sandbox-v2.json
demo-v2: build ## plan, apply and re-plan examples/v2.yaml (aliases, E911, CNAM, callbacks) on a v2 sandbox
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo '$$ flowroute-numbers --api v2 --sandbox plan -f examples/v2.yaml'
	@$(DEMO_V2) plan -f examples/v2.yaml
	@echo; echo '$$ flowroute-numbers --api v2 --sandbox apply -f examples/v2.yaml --auto-approve'
	@$(DEMO_V2) apply -f examples/v2.yaml --auto-approve
	@echo; echo '$$ flowroute-numbers --api v2 --sandbox plan -f examples/v2.yaml'
	@$(DEMO_V2) plan -f examples/v2.yaml
	@echo; echo '$$ flowroute-numbers --api v2 --sandbox export'
	@$(DEMO_V2) export

clean: ## remove build, demo and benchmark output
	rm -rf bin $(DIST) $(DEMO_DIR) $(BENCH_OUT)
