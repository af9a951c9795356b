# Builds the BPF object + skeleton, the addon and the workload generator.
# `npm run build` runs this, then tsc.
CLANG ?= clang
BPFTOOL ?= bpftool
OUT := bpf/.output
ARCH_INC := /usr/include/$(shell uname -m)-linux-gnu

all: $(OUT)/msgtop.skel.h native/build/Release/msgtop.node test/workload/msggen

$(OUT)/msgtop.bpf.o: bpf/msgtop.bpf.c bpf/msgtop.h bpf/kernel_types.h
	@mkdir -p $(OUT)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(ARCH_INC) -Wall -Werror -c $< -o $@

$(OUT)/msgtop.skel.h: $(OUT)/msgtop.bpf.o
	$(BPFTOOL) gen skeleton $< name msgtop_bpf > $@

native/build/Release/msgtop.node: $(OUT)/msgtop.skel.h native/binding.gyp $(wildcard native/*.cc native/*.h)
	cd native && npx node-gyp rebuild --silent

test/workload/msggen: test/workload/msggen.c
	cc -O2 -Wall -Wextra -o $@ $< -lpthread

clean:
	rm -rf $(OUT) native/build test/workload/msggen

.PHONY: all clean

# Benchmark-only: empty BPF programs on msgtop's hooks and their loader
# (`npm run bench` builds these itself with `make -s bench-floor`).
BENCH_OUT := bench/.output
bench-floor: $(BENCH_OUT)/floor.bpf.o $(BENCH_OUT)/floor

$(BENCH_OUT)/floor.bpf.o: bench/floor.bpf.c
	@mkdir -p $(BENCH_OUT)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(ARCH_INC) -Wall -Werror -c $< -o $@

$(BENCH_OUT)/floor: bench/floor.c
	@mkdir -p $(BENCH_OUT)
	cc -O2 -Wall -Wextra -o $@ $< -lbpf

.PHONY: bench-floor

# Kernel matrix (`npm run test:kernels`): static test programs for the qemu
# guests, which carry no compiler (the floor loader uses the guest's libbpf).
KOUT := test/kernels/.output
kernels-tools: $(KOUT)/msggen $(KOUT)/bpfprogs bench-floor

$(KOUT)/msggen: test/workload/msggen.c
	@mkdir -p $(KOUT)
	cc -O2 -Wall -Wextra -static -o $@ $< -lpthread

$(KOUT)/bpfprogs: test/kernels/bpfprogs.c
	@mkdir -p $(KOUT)
	cc -O2 -Wall -Wextra -static -o $@ $<

.PHONY: kernels-tools
