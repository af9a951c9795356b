// Reading BPF maps in bulk for the sampler: per-CPU values are summed here
// so JS gets one packed record per key, laid out as in bpf/msgtop.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

// Appends (key bytes, summed u64 fields) for every entry of a per-CPU hash.
// Uses BPF_MAP_LOOKUP_BATCH, one syscall per batch, and falls back to
// get_next_key where the kernel lacks batch ops. Returns 0 or -errno.
int read_percpu_hash(int fd, size_t key_size, size_t value_size, std::vector<uint8_t> &out);

// The same for a plain hash: values are copied as they are.
int read_hash(int fd, size_t key_size, size_t value_size, std::vector<uint8_t> &out);

// Sums one u64 slot of a per-CPU array across CPUs.
int read_percpu_u64(int fd, uint32_t index, uint64_t *sum);

// Deletes the packed keys (BPF_MAP_DELETE_BATCH, else one by one).
void delete_keys(int fd, size_t key_size, const std::vector<uint8_t> &keys);

// Deletes every entry whose key the predicate accepts.
void delete_matching(int fd, size_t key_size, const std::function<bool(const uint8_t *key)> &match);
