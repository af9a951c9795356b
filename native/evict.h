// Moves the final counts of exited processes out of the kernel maps, on a
// thread of its own: the kernel reports each exit on the `exits` ring
// buffer, and a map bounded by the processes alive at once must be emptied
// of the dead promptly however busy the JS event loop is. The final
// records are handed out once by the next reads, which go through here.
#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "msgtop.h"

struct msgtop_bpf;
struct ring_buffer;

// Runs fold_accs on every CPU so `counters` holds every message counted so
// far; false if a CPU stayed busy (its last counts show in a later read).
bool fold_accumulators(msgtop_bpf *skel);

class Evictor {
public:
	enum Map { COUNTERS, PROCS, ERRNOS, MAP_COUNT };

	explicit Evictor(msgtop_bpf *skel) : skel_(skel) {}
	~Evictor() { Stop(); }

	// Opens the exits ring buffer and starts the thread, which evicts every
	// period_ms, or sooner when the kernel has queued wake_bytes of
	// notices; returns "" or why not.
	std::string Start(int period_ms, uint64_t wake_bytes);
	void Stop();
	// Ends the thread and starts a new one, keeping the ring and the
	// notices read so far: the new thread has the credentials the process
	// has now (a thread keeps those it was created with).
	void Restart();

	// One consistent read of the three maps, under the lock evictions take:
	// evicts every process whose exit is reported by then, folds the
	// accumulators, then every entry of each map plus the final
	// records of entries evicted since the last read, and the struct
	// mt_exit records of those processes. A process is in the maps or in
	// the evicted records, never in both and never half in each. Returns
	// 0 or -errno.
	int ReadAll(std::vector<uint8_t> (&maps)[MAP_COUNT], std::vector<uint8_t> &exits);
	// Deletes a process's entries (one whose exit notice was lost).
	void Forget(uint32_t tgid, uint64_t start_ns);
	// Entries each map held at its last read.
	uint32_t Used(Map map) const { return used_[map]; }

private:
	static int OnExit(void *ctx, void *data, size_t size);
	void Run(int period_ms);
	void EvictBatch();
	void EvictFrom(Map map, const std::set<std::pair<uint32_t, uint64_t>> &gone);
	int Fd(Map map) const;

	msgtop_bpf *skel_;
	ring_buffer *ring_ = nullptr;
	std::thread thread_;
	int period_ms_ = 0;
	std::atomic<bool> stop_{false};
	std::mutex mu_; // the ring, maps reads, evictions and the buffers below
	std::vector<mt_exit> pending_; // notices consumed, not yet evicted
	std::vector<uint8_t> evicted_[MAP_COUNT];
	std::vector<uint8_t> exits_;
	uint32_t used_[MAP_COUNT] = {};
};
