# gridsplit: the two commands of the Quick start, and the steps they are made of.
#   make demo   install what is missing, build, run `gridsplit simulate` on the bundled example
#   make test   install what is missing, build (plain and with ASan+UBSan), run every test
BUILD ?= build
BUILD_SAN ?= build-san
OUT ?= out/demo
JOBS ?= $(shell nproc)

.PHONY: all setup build build-san demo test test-plain test-san bench clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-san: setup
	cmake -S . -B $(BUILD_SAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGS_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_SAN) -j $(JOBS)

demo: build
	$(BUILD)/gridsplit simulate examples/demo/fleet.yaml --out $(OUT)
	@echo "demo: outputs in $(OUT)/ (load.csv, summary.json, clusters.csv, runs.csv, report.html: open it in a browser)"

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-san: build-san
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS)

test: test-plain test-san

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD) $(BUILD_SAN) out
