#include "evict.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <utility>

#include "maps.h"
#include "msgtop.skel.h"

namespace {

// Key and value sizes; all three are plain (not per-CPU) hashes.
struct Layout {
	size_t key, value;
};

const Layout LAYOUTS[Evictor::MAP_COUNT] = {
	{sizeof(mt_key), sizeof(mt_counts)},
	{sizeof(mt_proc_key), sizeof(mt_proc)},
	{sizeof(mt_errno_key), sizeof(uint64_t)},
};

void append(std::vector<uint8_t> &out, const void *p, size_t n)
{
	auto *b = static_cast<const uint8_t *>(p);
	out.insert(out.end(), b, b + n);
}

} // namespace

bool fold_accumulators(msgtop_bpf *skel)
{
	int fd = bpf_program__fd(skel->progs.fold_accs);
	int ncpu = libbpf_num_possible_cpus();
	bool all = true;

	for (int cpu = 0; cpu < ncpu; cpu++) {
		int attempt = 0;
		for (; attempt < 100; attempt++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = (uint32_t)cpu);
			if (bpf_prog_test_run_opts(fd, &opts) < 0 || opts.retval != MT_FOLD_BUSY)
				break; // done, or an offline CPU (ENXIO)
			sched_yield();
		}
		all &= attempt < 100;
	}
	return all;
}

std::string Evictor::Start(int period_ms, uint64_t wake_bytes)
{
	ring_ = ring_buffer__new(bpf_map__fd(skel_->maps.exits), OnExit, this, nullptr);
	if (!ring_)
		return std::string("cannot open the exits ring buffer: ") + strerror(errno);
	skel_->bss->exit_wake_bytes = wake_bytes;
	period_ms_ = period_ms;
	thread_ = std::thread([this, period_ms] { Run(period_ms); });
	pthread_setname_np(thread_.native_handle(), "msgtop-evict"); // for top -H and the bench
	return "";
}

void Evictor::Restart()
{
	stop_ = true;
	if (thread_.joinable())
		thread_.join();
	stop_ = false;
	thread_ = std::thread([this] { Run(period_ms_); });
	pthread_setname_np(thread_.native_handle(), "msgtop-evict");
}

void Evictor::Stop()
{
	stop_ = true;
	if (thread_.joinable())
		thread_.join();
	ring_buffer__free(ring_);
	ring_ = nullptr;
}

void Evictor::Run(int period_ms)
{
	auto next = std::chrono::steady_clock::now();
	epoll_event ev;
	while (!stop_) {
		// Sleeps until the period ends or the kernel wakes it (past
		// exit_wake_bytes); the notices are consumed under the lock, as
		// ReadAll consumes them too.
		epoll_wait(ring_buffer__epoll_fd(ring_), &ev, 1, period_ms);
		std::lock_guard<std::mutex> g(mu_);
		ring_buffer__consume(ring_);
		auto now = std::chrono::steady_clock::now();
		if (pending_.empty() || (now < next && pending_.size() * (sizeof(mt_exit) + 8) < skel_->bss->exit_wake_bytes))
			continue;
		next = now + std::chrono::milliseconds(period_ms);
		EvictBatch();
	}
}

int Evictor::OnExit(void *ctx, void *data, size_t size)
{
	auto *self = static_cast<Evictor *>(ctx);
	mt_exit e;

	if (size >= sizeof(e)) {
		memcpy(&e, data, sizeof(e));
		self->pending_.push_back(e);
	}
	return 0;
}

int Evictor::Fd(Map map) const
{
	return bpf_map__fd(map == COUNTERS ? skel_->maps.counters : map == PROCS ? skel_->maps.procs : skel_->maps.errnos);
}

// With mu_ held.
void Evictor::EvictBatch()
{
	std::set<std::pair<uint32_t, uint64_t>> gone;
	bool errnos = false;

	if (!fold_accumulators(skel_))
		return; // a CPU stayed busy: try the batch again next period
	for (const mt_exit &e : pending_) {
		gone.insert({e.tgid, e.start_ns});
		errnos |= (e.flags & MT_PROC_ERRNOS) != 0;
		append(exits_, &e, sizeof(e));
	}
	EvictFrom(COUNTERS, gone);
	EvictFrom(PROCS, gone);
	if (errnos)
		EvictFrom(ERRNOS, gone);
	pending_.clear();
}

// A few exits (a host where little starts and stops) are looked up key by
// key: two syscalls per key, where reading a map of 10,000 live processes
// whole costs milliseconds. Many (churn) take one read of the whole map,
// which finds every entry of the batch's processes, and one batch delete.
void Evictor::EvictFrom(Map map, const std::set<std::pair<uint32_t, uint64_t>> &gone)
{
	static_assert(offsetof(mt_key, start_ns) == 8 && offsetof(mt_proc_key, start_ns) == 8 &&
			      offsetof(mt_errno_key, start_ns) == 8,
		      "every evictable key starts with tgid and has start_ns at 8");
	static_assert(sizeof(mt_key) == 16 && sizeof(mt_proc_key) == 16, "a process key is a counter key with sys 0");
	const Layout &l = LAYOUTS[map];
	const size_t rec = l.key + l.value;
	int fd = Fd(map);
	std::vector<uint8_t> all, keys;

	// Errno keys hold the errno too: they can only be found by reading.
	size_t per_proc = map == COUNTERS ? MT_SYS_COUNT : 1;
	if (map != ERRNOS && gone.size() * per_proc * 32 < used_[map]) {
		std::vector<uint8_t> value(l.value);
		for (const auto &[tgid, start] : gone) {
			for (uint32_t sys = 0; sys < (uint32_t)per_proc; sys++) {
				mt_key k = {tgid, sys, start}; // mt_proc_key: pad 0
				if (bpf_map_lookup_elem(fd, &k, value.data()) < 0)
					continue;
				append(evicted_[map], &k, l.key);
				append(evicted_[map], value.data(), l.value);
				bpf_map_delete_elem(fd, &k);
			}
		}
		return;
	}

	if (read_hash(fd, l.key, l.value, all) < 0)
		return; // left for the sampler's forget()
	for (size_t off = 0; off + rec <= all.size(); off += rec) {
		uint32_t tgid;
		uint64_t start;
		memcpy(&tgid, &all[off], sizeof(tgid));
		memcpy(&start, &all[off + 8], sizeof(start));
		if (!gone.count({tgid, start}))
			continue;
		append(evicted_[map], &all[off], rec);
		append(keys, &all[off], l.key);
	}
	delete_keys(fd, l.key, keys);
}

int Evictor::ReadAll(std::vector<uint8_t> (&maps)[MAP_COUNT], std::vector<uint8_t> &exits)
{
	std::lock_guard<std::mutex> g(mu_);

	// Every exit reported before this read goes out with it, so no process
	// that has exited is handed out as a live one (on a host starting
	// thousands a second, nearly every process then arrives with its exit).
	if (ring_) {
		ring_buffer__consume(ring_);
		if (!pending_.empty())
			EvictBatch();
	}
	fold_accumulators(skel_);
	for (int m = 0; m < MAP_COUNT; m++) {
		const Layout &l = LAYOUTS[m];
		int err = read_hash(Fd(Map(m)), l.key, l.value, maps[m]);
		if (err < 0)
			return err;
		used_[m] = maps[m].size() / (l.key + l.value);
	}
	for (int m = 0; m < MAP_COUNT; m++) {
		maps[m].insert(maps[m].end(), evicted_[m].begin(), evicted_[m].end());
		std::vector<uint8_t>().swap(evicted_[m]); // its room too: a burst is rare
	}
	exits.swap(exits_);
	exits_.clear();
	return 0;
}

void Evictor::Forget(uint32_t tgid, uint64_t start)
{
	std::lock_guard<std::mutex> g(mu_);
	mt_proc_key pk = {tgid, 0, start};

	bpf_map_delete_elem(bpf_map__fd(skel_->maps.procs), &pk);
	for (uint32_t sys = 0; sys < MT_SYS_COUNT; sys++) {
		mt_key k = {tgid, sys, start};
		bpf_map_delete_elem(bpf_map__fd(skel_->maps.counters), &k);
	}
	delete_matching(bpf_map__fd(skel_->maps.errnos), sizeof(mt_errno_key), [&](const uint8_t *raw) {
		mt_errno_key k;
		memcpy(&k, raw, sizeof(k));
		return k.tgid == tgid && k.start_ns == start;
	});
}
