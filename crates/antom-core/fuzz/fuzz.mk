## Fuzzing antom-core (issue 9): the cargo-fuzz targets in crates/antom-core/fuzz/ (its own
## cargo workspace, nightly only). Included by the root Makefile, whose `tools-fuzz` installs
## the nightly toolchain and the pinned cargo-fuzz and names its binary $(CARGO_FUZZ).
##
##   make fuzz-smoke   every target for FUZZ_SMOKE_SECONDS (8 x 4 s = 32 s of fuzzing; the whole
##                     goal takes under a minute once the fuzz build exists, about 6 minutes
##                     more cold), AddressSanitizer on; fails on any crash, failed invariant,
##                     timeout or out-of-memory. Part of `make test` (CI).
##   make fuzz-long    every target for FUZZ_RUNS executions (default 10^7), one after the
##                     other, one process each, growing the corpus in fuzz/corpus/<target>.
##                     Logs in fuzz/logs/; FUZZING.md records the numbers.
##   make fuzz-seeds   (re)extract the seed corpora from tests/vectors into fuzz/seeds/.
##
## Seeds are generated from the conformance vectors each time (fuzz/seeds.py); corpora, logs
## and crash artifacts stay out of git. A crash leaves its input in fuzz/artifacts/<target>/;
## reproduce it with `make fuzz-repro FUZZ_TARGET=<target> FUZZ_INPUT=<file>`.

FUZZ_DIR      := crates/antom-core/fuzz
FUZZ_TARGETS  := key_text key_der signature_header verify_response verify_notification \
	amounts prepare endpoint
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_RUNS     ?= 10000000
FUZZ_MAX_LEN  ?= 8192
# A single input slower than this (seconds) is a finding, as is a crash.
FUZZ_TIMEOUT  ?= 10
# fuzz-long's sanitizer: `none` by default, for throughput (antom-core forbids unsafe code;
# fuzz-smoke keeps AddressSanitizer on). FUZZ_LONG_SANITIZER=address to keep it.
FUZZ_LONG_SANITIZER ?= none
# Its own target dir, so that the smoke's ASan build is kept.
FUZZ_LONG_TARGET_DIR = fuzz/target/$(if $(filter none,$(FUZZ_LONG_SANITIZER)),nosan,san-$(FUZZ_LONG_SANITIZER))
# cargo-fuzz runs cargo, so the toolchain is chosen here; cargo-fuzz is called by path.
FUZZ_CARGO     = cd crates/antom-core && RUSTUP_TOOLCHAIN=nightly $(CARGO_FUZZ) fuzz
FUZZ_LIBFUZZER = -max_len=$(FUZZ_MAX_LEN) -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1

NEEDS_fuzz-smoke := rust cc python
NEEDS_fuzz-long  := rust cc python
NEEDS_fuzz-seeds := python
NEEDS_fuzz-repro := rust cc

.PHONY: fuzz-smoke fuzz-long fuzz-seeds fuzz-repro

fuzz-seeds:
	python3 $(FUZZ_DIR)/seeds.py

fuzz-smoke: tools-fuzz fuzz-seeds
	$(FUZZ_CARGO) build -a
	@start=$$SECONDS; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p "$$scratch/$$t"; \
	  echo "== fuzz-smoke $$t ($(FUZZ_SMOKE_SECONDS) s)"; \
	  ( $(FUZZ_CARGO) run -a $$t "$$scratch/$$t" fuzz/seeds/$$t -- \
	      -max_total_time=$(FUZZ_SMOKE_SECONDS) $(FUZZ_LIBFUZZER) ) >"$$scratch/$$t.log" 2>&1 \
	    || { tail -n 60 "$$scratch/$$t.log"; echo "fuzz-smoke: $$t FAILED (input in $(FUZZ_DIR)/artifacts/$$t/)"; exit 1; }; \
	  grep -E '^#[0-9]+[[:space:]]+DONE' "$$scratch/$$t.log" | tail -n 1; \
	done; \
	echo "fuzz-smoke: $(words $(FUZZ_TARGETS)) targets, no crash, $$((SECONDS - start)) s"

fuzz-long: tools-fuzz fuzz-seeds
	$(FUZZ_CARGO) build -a -s $(FUZZ_LONG_SANITIZER) --target-dir $(FUZZ_LONG_TARGET_DIR)
	@mkdir -p $(FUZZ_DIR)/logs; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  echo "== fuzz-long $$t ($(FUZZ_RUNS) runs, log in $(FUZZ_DIR)/logs/$$t.log)"; \
	  start=$$SECONDS; \
	  ( $(FUZZ_CARGO) run -a -s $(FUZZ_LONG_SANITIZER) --target-dir $(FUZZ_LONG_TARGET_DIR) \
	      $$t fuzz/corpus/$$t fuzz/seeds/$$t -- -runs=$(FUZZ_RUNS) $(FUZZ_LIBFUZZER) ) \
	      >$(FUZZ_DIR)/logs/$$t.log 2>&1 \
	    || { tail -n 60 $(FUZZ_DIR)/logs/$$t.log; echo "fuzz-long: $$t FAILED (input in $(FUZZ_DIR)/artifacts/$$t/)"; exit 1; }; \
	  echo "$$t: $$((SECONDS - start)) s, corpus $$(ls $(FUZZ_DIR)/corpus/$$t | wc -l) files"; \
	  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::' $(FUZZ_DIR)/logs/$$t.log; \
	done

fuzz-repro: tools-fuzz
	$(FUZZ_CARGO) run -a $(FUZZ_TARGET) $(abspath $(FUZZ_INPUT))
