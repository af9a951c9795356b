#include "maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace {

size_t round8(size_t n) { return (n + 7) & ~size_t(7); }

int ncpus()
{
	static int n = libbpf_num_possible_cpus();
	return n;
}

// values holds `count` entries of n slots (n CPUs, or 1 for a plain map),
// each slot round8(value_size); slots are summed field by field.
void append_summed(std::vector<uint8_t> &out, const uint8_t *keys, const uint8_t *values, uint32_t count,
		   size_t key_size, size_t value_size, int n)
{
	const size_t stride = round8(value_size), fields = value_size / 8;

	for (uint32_t i = 0; i < count; i++) {
		out.insert(out.end(), keys + i * key_size, keys + (i + 1) * key_size);
		for (size_t f = 0; f < fields; f++) {
			uint64_t sum = 0, v;

			for (int c = 0; c < n; c++) {
				memcpy(&v, values + (size_t(i) * n + c) * stride + f * 8, 8);
				sum += v;
			}
			out.insert(out.end(), reinterpret_cast<uint8_t *>(&sum), reinterpret_cast<uint8_t *>(&sum) + 8);
		}
	}
}

int read_by_next_key(int fd, size_t key_size, size_t value_size, int n, std::vector<uint8_t> &out)
{
	std::vector<uint8_t> key(key_size), next(key_size), value(round8(value_size) * n);
	const void *prev = nullptr;

	while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
		if (bpf_map_lookup_elem(fd, next.data(), value.data()) == 0)
			append_summed(out, next.data(), value.data(), 1, key_size, value_size, n);
		key.swap(next);
		prev = key.data();
	}
	return errno == ENOENT ? 0 : -errno;
}

int read_all(int fd, size_t key_size, size_t value_size, int n, std::vector<uint8_t> &out)
{
	uint32_t batch = 256;
	uint64_t token = 0; // opaque position: a bucket index for hash maps
	bool first = true;

	for (;;) {
		std::vector<uint8_t> keys(batch * key_size), values(size_t(batch) * round8(value_size) * n);
		uint32_t count = batch;
		int err = bpf_map_lookup_batch(fd, first ? nullptr : &token, &token, keys.data(), values.data(), &count,
					       nullptr);

		if (err < 0 && -err != ENOENT) {
			if (-err == ENOSPC) { // one bucket holds more than `batch`
				batch *= 2;
				continue;
			}
			if (-err == EINVAL && first)
				return read_by_next_key(fd, key_size, value_size, n, out);
			return err;
		}
		append_summed(out, keys.data(), values.data(), count, key_size, value_size, n);
		if (err < 0) // ENOENT: that was the last batch
			return 0;
		first = false;
	}
}

} // namespace

int read_percpu_hash(int fd, size_t key_size, size_t value_size, std::vector<uint8_t> &out)
{
	return read_all(fd, key_size, value_size, ncpus(), out);
}

int read_hash(int fd, size_t key_size, size_t value_size, std::vector<uint8_t> &out)
{
	return read_all(fd, key_size, value_size, 1, out);
}

int read_percpu_u64(int fd, uint32_t index, uint64_t *sum)
{
	std::vector<uint64_t> values(ncpus());

	if (bpf_map_lookup_elem(fd, &index, values.data()) < 0)
		return -errno;
	*sum = 0;
	for (uint64_t v : values)
		*sum += v;
	return 0;
}

void delete_keys(int fd, size_t key_size, const std::vector<uint8_t> &keys)
{
	uint32_t count = keys.size() / key_size;

	if (count == 0)
		return;
	if (bpf_map_delete_batch(fd, keys.data(), &count, nullptr) == 0)
		return;
	// Older kernels, or a key already gone (the batch stops there): the rest one by one.
	for (size_t off = 0; off + key_size <= keys.size(); off += key_size)
		bpf_map_delete_elem(fd, keys.data() + off);
}

void delete_matching(int fd, size_t key_size, const std::function<bool(const uint8_t *key)> &match)
{
	std::vector<uint8_t> key(key_size), next(key_size);
	std::vector<std::vector<uint8_t>> doomed;
	const void *prev = nullptr;

	while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
		if (match(next.data()))
			doomed.push_back(next);
		key.swap(next);
		prev = key.data();
	}
	// Delete after the walk: deleting while iterating restarts the walk.
	for (auto &k : doomed)
		bpf_map_delete_elem(fd, k.data());
}
