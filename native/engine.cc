// The addon: open/load/attach/detach msgtop's BPF programs, read their maps
// in bulk and pump ring-buffer events to JS. It never formats for humans;
// records cross to JS as raw bytes laid out by bpf/msgtop.h.
#include <napi.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "msgtop.h"
#include "msgtop.skel.h"
#include "evict.h"
#include "maps.h"
#include "privileges.h"
#include "ring.h"
#include "trampolines.h"

namespace {

std::string why(const char *what, int err)
{
	std::string msg = std::string(what) + ": " + strerror(err);
	if (err == EPERM || err == EACCES)
		msg += " (msgtop needs root, or the capabilities README \"Privileges\" lists)";
	return msg;
}

// libbpf attaches syscall tracepoints by event id, read from tracefs.
void ensure_tracefs()
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 || access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return;
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr);
}

// The tracefs id of a "tracepoint/CATEGORY/NAME" program's tracepoint, or -1.
int tracepoint_id(bpf_program *prog)
{
	std::string sec = bpf_program__section_name(prog);
	const std::string prefix = "tracepoint/";
	if (sec.compare(0, prefix.size(), prefix) != 0)
		return -1;
	for (const char *base : {"/sys/kernel/tracing/events/", "/sys/kernel/debug/tracing/events/"}) {
		FILE *f = fopen((base + sec.substr(prefix.size()) + "/id").c_str(), "re");
		int id = -1;
		if (!f)
			continue;
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
		if (id >= 0)
			return id;
	}
	return -1;
}

// What libbpf's attach does for a tracepoint, given its id: one perf event
// (all CPUs run the program), owned by the link.
bpf_link *attach_tracepoint_id(bpf_program *prog, int id)
{
	perf_event_attr attr = {};
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	int pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return nullptr;
	bpf_link *link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		int err = errno;
		close(pfd);
		errno = err;
	}
	return link;
}

using Progs = std::vector<bpf_program *>;

constexpr uint32_t COUNTERS_PER_PROC = 4;
constexpr int EVICT_PERIOD_MS = 50;

Progs sock_progs(msgtop_bpf *s) { return {s->progs.sock_send, s->progs.sock_recv}; }

Progs syscall_progs(msgtop_bpf *s)
{
	auto &p = s->progs;
	return {p.enter_sendmsg,  p.exit_sendmsg,  p.enter_recvmsg,  p.exit_recvmsg,
		p.enter_sendmmsg, p.exit_sendmmsg, p.enter_recvmmsg, p.exit_recvmmsg,
		p.enter_sendto,   p.exit_sendto,   p.enter_recvfrom, p.exit_recvfrom};
}

Progs fexit_progs(msgtop_bpf *s)
{
	auto &p = s->progs;
	return {p.fexit_sendmsg,  p.fexit_recvmsg, p.fexit_sendmmsg,
		p.fexit_recvmmsg, p.fexit_sendto,  p.fexit_recvfrom};
}

// msgsnd/msgrcv: by fexit where the kernel has trampolines, else by
// syscall tracepoints.
Progs ipc_progs(msgtop_bpf *s, bool fexit)
{
	auto &p = s->progs;
	if (fexit)
		return {p.fexit_msgsnd, p.fexit_msgrcv};
	return {p.enter_msgsnd, p.exit_msgsnd, p.enter_msgrcv, p.exit_msgrcv};
}

enum class Mode { Sock, Fexit, Syscalls };

Progs mode_progs(msgtop_bpf *s, Mode m)
{
	return m == Mode::Sock ? sock_progs(s) : m == Mode::Fexit ? fexit_progs(s) : syscall_progs(s);
}

void destroy_links(std::vector<bpf_link *> &links)
{
	for (auto *l : links)
		bpf_link__destroy(l);
	links.clear();
}

class Engine : public Napi::ObjectWrap<Engine> {
public:
	static Napi::Function Define(Napi::Env env)
	{
		return DefineClass(env, "Engine",
				   {
					   InstanceMethod("attach", &Engine::Attach),
					   InstanceMethod("setIpc", &Engine::SetIpc),
					   InstanceMethod("setEvents", &Engine::SetEvents),
					   InstanceMethod("watch", &Engine::Watch),
					   InstanceMethod("clearDetail", &Engine::ClearDetail),
					   InstanceMethod("forget", &Engine::Forget),
					   InstanceMethod("mapUsage", &Engine::MapUsage),
					   InstanceMethod("readProcessMaps", &Engine::ReadProcessMaps),
					   InstanceMethod("readThreads", &Engine::ReadThreads),
					   InstanceMethod("readThreadNames", &Engine::ReadThreadNames),
					   InstanceMethod("readPeers", &Engine::ReadPeers),
					   InstanceMethod("readSizes", &Engine::ReadSizes),
					   InstanceMethod("readStats", &Engine::ReadStats),
					   InstanceMethod("progStats", &Engine::ProgStats),
					   InstanceMethod("setStats", &Engine::SetStats),
					   InstanceMethod("dropPrivileges", &Engine::DropPrivileges),
					   InstanceMethod("startEvents", &Engine::StartEvents),
					   InstanceMethod("stopEvents", &Engine::StopEvents),
					   InstanceMethod("close", &Engine::Close),
				   });
	}

	// new Engine({ mode: 'sock' | 'fexit' | 'syscalls', ipc?, ipcFexit?,
	// ringbufBytes?, maxProcs? }). Only the programs of `mode` (and of
	// msgsnd/msgrcv unless ipc is false, by fexit if ipcFexit) are loaded:
	// verifying the others would only slow the start, and fexit programs
	// cannot load at all on a kernel without trampolines.
	Engine(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Engine>(info)
	{
		Napi::Env env = info.Env();
		Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
		int err;

		libbpf_set_print([](enum libbpf_print_level level, const char *fmt, va_list args) {
			return level == LIBBPF_WARN && getenv("MSGTOP_DEBUG") ? vfprintf(stderr, fmt, args) : 0;
		});
		skel_ = msgtop_bpf__open();
		if (!skel_) {
			Napi::Error::New(env, why("cannot open the BPF object", errno)).ThrowAsJavaScriptException();
			return;
		}
		std::string mode = opts.Get("mode").ToString().Utf8Value();
		mode_ = mode == "syscalls" ? Mode::Syscalls : mode == "fexit" ? Mode::Fexit : Mode::Sock;
		ipc_ = !opts.Get("ipc").IsBoolean() || opts.Get("ipc").ToBoolean();
		ipc_fexit_ = opts.Get("ipcFexit").IsBoolean() && opts.Get("ipcFexit").ToBoolean();
		{
			Progs wanted = mode_progs(skel_, mode_);
			wanted.push_back(skel_->progs.fold_accs);
			wanted.push_back(skel_->progs.proc_exit);
			if (ipc_)
				for (auto *p : ipc_progs(skel_, ipc_fexit_))
					wanted.push_back(p);
			bpf_program *prog;
			bpf_object__for_each_program(prog, skel_->obj)
			{
				bool keep = false;
				for (auto *w : wanted)
					keep |= w == prog;
				bpf_program__set_autoload(prog, keep);
			}
		}
		// One block of slots per possible CPU (see `accs` in msgtop.bpf.c).
		bpf_map__set_max_entries(skel_->maps.accs, bpf_map__max_entries(skel_->maps.accs) * libbpf_num_possible_cpus());
		if (opts.Get("ringbufBytes").IsNumber())
			bpf_map__set_max_entries(skel_->maps.events, opts.Get("ringbufBytes").As<Napi::Number>().Uint32Value());
		// Processes alive and counted at once: one procs entry each, one
		// counters entry per syscall used (four on average is room enough).
		if (opts.Get("maxProcs").IsNumber()) {
			uint32_t n = opts.Get("maxProcs").As<Napi::Number>().Uint32Value();
			bpf_map__set_max_entries(skel_->maps.procs, n);
			bpf_map__set_max_entries(skel_->maps.counters, n * COUNTERS_PER_PROC);
			bpf_map__set_max_entries(skel_->maps.errnos, n);
		}
		// The verifier gives up with EAGAIN when a signal arrives (a terminal
		// resize, a profiler's ticks): hold signals for the ~0.1 s it takes.
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		err = msgtop_bpf__load(skel_);
		pthread_sigmask(SIG_SETMASK, &old, nullptr);
		if (err) {
			Napi::Error::New(env, why("cannot load the BPF programs", -err)).ThrowAsJavaScriptException();
			msgtop_bpf__destroy(skel_);
			skel_ = nullptr;
			return;
		}
	}

	~Engine() { Release(); }

private:
	bool Ready(const Napi::CallbackInfo &info)
	{
		if (skel_)
			return true;
		Napi::Error::New(info.Env(), "engine is closed").ThrowAsJavaScriptException();
		return false;
	}

	bool AttachAll(Napi::Env env, const Progs &progs, std::vector<bpf_link *> &links, const char *what)
	{
		for (auto *p : progs) {
			bpf_link *l = bpf_program__attach(p);
			if (!l) {
				int e = errno;
				destroy_links(links);
				Napi::Error::New(env, why(what, e)).ThrowAsJavaScriptException();
				return false;
			}
			links.push_back(l);
		}
		return true;
	}

	// attach(): the exit hook, then the probe mode chosen when the engine
	// was opened (exits must be seen for every process that gets counted).
	Napi::Value Attach(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();

		if (!Ready(info))
			return env.Undefined();
		if (!evictor_) {
			evictor_ = new Evictor(skel_);
			// Woken early once notices for an eighth of the processes the
			// maps hold are queued (each costs its size plus a header).
			uint64_t wake = uint64_t(bpf_map__max_entries(skel_->maps.procs)) / 8 * (sizeof(mt_exit) + 8);
			std::string err = evictor_->Start(EVICT_PERIOD_MS, wake);
			if (!err.empty()) {
				delete evictor_;
				evictor_ = nullptr;
				Napi::Error::New(env, err).ThrowAsJavaScriptException();
				return env.Undefined();
			}
		}
		if (exit_links_.empty() &&
		    !AttachAll(env, {skel_->progs.proc_exit}, exit_links_, "cannot attach to the sched:sched_process_exit tracepoint"))
			return env.Undefined();
		// msgsnd/msgrcv tracepoints attach later (--ipc auto), perhaps after
		// privileges are dropped: find their ids in the root-only tracefs now.
		if (ipc_ && !ipc_fexit_ && ipc_tp_ids_.empty()) {
			ensure_tracefs();
			std::vector<int> ids;
			for (auto *p : ipc_progs(skel_, false))
				ids.push_back(tracepoint_id(p));
			bool all = true;
			for (int id : ids)
				all &= id >= 0;
			if (all)
				ipc_tp_ids_ = ids;
		}
		destroy_links(mode_links_);
		if (mode_ == Mode::Sock) {
			AttachAll(env, sock_progs(skel_), mode_links_,
				  "cannot attach to the sock:sock_send_length/sock_recv_length tracepoints");
		} else if (mode_ == Mode::Fexit) {
			AttachAll(env, fexit_progs(skel_), mode_links_, "cannot attach fexit programs to the syscalls' entry points");
		} else {
			ensure_tracefs();
			AttachAll(env, syscall_progs(skel_), mode_links_, "cannot attach to the syscall tracepoints");
		}
		return env.Undefined();
	}


	// setIpc(on): msgsnd/msgrcv tracepoints tax every syscall, so they are
	// attached only while wanted.
	Napi::Value SetIpc(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();

		if (!Ready(info))
			return env.Undefined();
		if (!info[0].ToBoolean()) {
			destroy_links(ipc_links_);
		} else if (!ipc_) {
			Napi::Error::New(env, "msgsnd/msgrcv tracing was not loaded").ThrowAsJavaScriptException();
		} else if (ipc_links_.empty() && ipc_fexit_) {
			AttachAll(env, ipc_progs(skel_, true), ipc_links_, "cannot attach fexit programs to msgsnd/msgrcv");
		} else if (ipc_links_.empty() && !ipc_tp_ids_.empty()) {
			Progs progs = ipc_progs(skel_, false);
			for (size_t i = 0; i < progs.size(); i++) {
				bpf_link *l = attach_tracepoint_id(progs[i], ipc_tp_ids_[i]);
				if (!l) {
					int e = errno;
					destroy_links(ipc_links_);
					Napi::Error::New(env, why("cannot attach to the msgsnd/msgrcv syscall tracepoints", e))
						.ThrowAsJavaScriptException();
					break;
				}
				ipc_links_.push_back(l);
			}
		} else if (ipc_links_.empty()) {
			ensure_tracefs();
			AttachAll(env, ipc_progs(skel_, false), ipc_links_, "cannot attach to the msgsnd/msgrcv syscall tracepoints");
		}
		return env.Undefined();
	}

	Napi::Value SetEvents(const Napi::CallbackInfo &info)
	{
		if (Ready(info))
			skel_->bss->cfg.events = info[0].As<Napi::Number>().Uint32Value();
		return info.Env().Undefined();
	}

	// watch(tgid, on): keep per-thread/peer/size detail and events for tgid.
	Napi::Value Watch(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		uint32_t tgid = info[0].As<Napi::Number>().Uint32Value();
		uint8_t one = 1;
		int fd;

		if (!Ready(info))
			return env.Undefined();
		fd = bpf_map__fd(skel_->maps.watch);
		if (info[1].ToBoolean())
			bpf_map_update_elem(fd, &tgid, &one, BPF_ANY);
		else
			bpf_map_delete_elem(fd, &tgid);
		uint32_t n = 0, k, *prev = nullptr;
		while (bpf_map_get_next_key(fd, prev, &k) == 0) {
			n++;
			prev = &k;
		}
		skel_->bss->watch_count = n;
		return env.Undefined();
	}

	// clearDetail(tgid): drop per-thread/peer/size entries of tgid.
	Napi::Value ClearDetail(const Napi::CallbackInfo &info)
	{
		uint32_t tgid = info[0].As<Napi::Number>().Uint32Value();
		auto same = [tgid](const uint8_t *k) { return memcmp(k, &tgid, 4) == 0; };

		if (!Ready(info))
			return info.Env().Undefined();
		delete_matching(bpf_map__fd(skel_->maps.threads), sizeof(mt_thread_key), same);
		delete_matching(bpf_map__fd(skel_->maps.tnames), sizeof(mt_tname_key), same);
		delete_matching(bpf_map__fd(skel_->maps.peers), sizeof(mt_peer_key), same);
		delete_matching(bpf_map__fd(skel_->maps.sizes), sizeof(mt_size_key), same);
		return info.Env().Undefined();
	}

	// forget(tgid, startNs): an exited process's entries, once its final
	// counts were read (for one whose exit notice the kernel could not queue).
	Napi::Value Forget(const Napi::CallbackInfo &info)
	{
		bool lossless;
		uint32_t tgid = info[0].As<Napi::Number>().Uint32Value();
		uint64_t start = info[1].As<Napi::BigInt>().Uint64Value(&lossless);

		if (Ready(info) && evictor_)
			evictor_->Forget(tgid, start);
		return info.Env().Undefined();
	}

	// Detail maps: every entry, per-CPU values summed.
	Napi::Value ReadMap(const Napi::CallbackInfo &info, bpf_map *map, size_t key_size, size_t value_size,
			    bool percpu = true)
	{
		Napi::Env env = info.Env();
		std::vector<uint8_t> out;
		int err;

		if (!Ready(info))
			return env.Undefined();
		err = percpu ? read_percpu_hash(bpf_map__fd(map), key_size, value_size, out)
			     : read_hash(bpf_map__fd(map), key_size, value_size, out);
		if (err < 0) {
			Napi::Error::New(env, why("cannot read a BPF map", -err)).ThrowAsJavaScriptException();
			return env.Undefined();
		}
		return Napi::Buffer<uint8_t>::Copy(env, out.data(), out.size());
	}

	// readProcessMaps(): { counters, procs, errnos, exited }, read at one
	// instant as far as evictions go (see Evictor::ReadAll).
	Napi::Value ReadProcessMaps(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		std::vector<uint8_t> maps[Evictor::MAP_COUNT], exits;

		if (!Ready(info))
			return env.Undefined();
		if (!evictor_) {
			Napi::Error::New(env, "the engine is not attached").ThrowAsJavaScriptException();
			return env.Undefined();
		}
		int err = evictor_->ReadAll(maps, exits);
		if (err < 0) {
			Napi::Error::New(env, why("cannot read a BPF map", -err)).ThrowAsJavaScriptException();
			return env.Undefined();
		}
		auto buf = [&](const std::vector<uint8_t> &v) { return Napi::Buffer<uint8_t>::Copy(env, v.data(), v.size()); };
		Napi::Object out = Napi::Object::New(env);
		out.Set("counters", buf(maps[Evictor::COUNTERS]));
		out.Set("procs", buf(maps[Evictor::PROCS]));
		out.Set("errnos", buf(maps[Evictor::ERRNOS]));
		out.Set("exited", buf(exits));
		return out;
	}

	// mapUsage(): entries in use at the last read and capacity, per map
	// whose size bounds the processes counted at once.
	Napi::Value MapUsage(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		Napi::Object out = Napi::Object::New(env);

		if (!Ready(info))
			return env.Undefined();
		auto one = [&](const char *name, uint32_t used, bpf_map *map) {
			Napi::Object o = Napi::Object::New(env);
			o.Set("used", Napi::Number::New(env, used));
			o.Set("max", Napi::Number::New(env, bpf_map__max_entries(map)));
			out.Set(name, o);
		};
		auto used = [this](Evictor::Map m) { return evictor_ ? evictor_->Used(m) : 0; };
		one("counters", used(Evictor::COUNTERS), skel_->maps.counters);
		one("procs", used(Evictor::PROCS), skel_->maps.procs);
		one("errnos", used(Evictor::ERRNOS), skel_->maps.errnos);
		return out;
	}
	Napi::Value ReadThreads(const Napi::CallbackInfo &info)
	{
		return ReadMap(info, skel_ ? skel_->maps.threads : nullptr, sizeof(mt_thread_key), sizeof(mt_counts));
	}
	Napi::Value ReadThreadNames(const Napi::CallbackInfo &info)
	{
		return ReadMap(info, skel_ ? skel_->maps.tnames : nullptr, sizeof(mt_tname_key), sizeof(mt_tname), false);
	}
	Napi::Value ReadPeers(const Napi::CallbackInfo &info)
	{
		return ReadMap(info, skel_ ? skel_->maps.peers : nullptr, sizeof(mt_peer_key), sizeof(mt_peer_val));
	}
	Napi::Value ReadSizes(const Napi::CallbackInfo &info)
	{
		return ReadMap(info, skel_ ? skel_->maps.sizes : nullptr, sizeof(mt_size_key), sizeof(uint64_t));
	}

	// readStats(): BigUint64Array indexed by enum mt_stat, summed over CPUs.
	Napi::Value ReadStats(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		napi_value arr;
		auto buf = Napi::ArrayBuffer::New(env, MT_STAT_COUNT * sizeof(uint64_t));
		auto *sums = static_cast<uint64_t *>(buf.Data());

		if (!Ready(info))
			return env.Undefined();
		for (uint32_t i = 0; i < MT_STAT_COUNT; i++)
			if (read_percpu_u64(bpf_map__fd(skel_->maps.stats), i, &sums[i]) < 0)
				sums[i] = 0;
		napi_create_typedarray(env, napi_biguint64_array, MT_STAT_COUNT, buf, 0, &arr);
		return Napi::Value(env, arr);
	}

	// progStats(): { runTimeNs, runCount, missed } over msgtop's programs.
	Napi::Value ProgStats(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		Napi::Object out = Napi::Object::New(env);
		uint64_t ns = 0, cnt = 0, missed = 0;
		bpf_program *prog;

		if (!Ready(info))
			return env.Undefined();
		bpf_object__for_each_program(prog, skel_->obj)
		{
			bpf_prog_info pi = {};
			uint32_t len = sizeof(pi);

			if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &pi, &len) == 0) {
				ns += pi.run_time_ns;
				cnt += pi.run_cnt;
				missed += pi.recursion_misses;
			}
		}
		out.Set("runTimeNs", Napi::Number::New(env, double(ns)));
		out.Set("runCount", Napi::Number::New(env, double(cnt)));
		// Runs the kernel skipped because the program was already running on
		// that CPU (e.g. preempted mid-run): each is a message not counted.
		out.Set("missed", Napi::Number::New(env, double(missed)));
		return out;
	}

	// setStats(on): kernel run-time accounting of BPF programs. It adds two
	// clock reads to every BPF program run on the machine, not only ours, so
	// msgtop turns it on only while it measures.
	// Returns whether the accounting is on (turning it on needs
	// CAP_SYS_ADMIN).
	Napi::Value SetStats(const Napi::CallbackInfo &info)
	{
		if (info[0].ToBoolean() && stats_fd_ < 0) {
			stats_fd_ = bpf_enable_stats(BPF_STATS_RUN_TIME);
		} else if (!info[0].ToBoolean() && stats_fd_ >= 0) {
			close(stats_fd_);
			stats_fd_ = -1;
		}
		return Napi::Boolean::New(info.Env(), stats_fd_ >= 0);
	}

	// dropPrivileges(uid, gid, capMask: bigint): see privileges.h. The
	// eviction thread is restarted afterwards so it runs with the new
	// credentials (it reads and deletes map entries: kernels that check
	// CAP_BPF on every bpf() call would refuse a thread left without it).
	// Throws why not; the process must then exit.
	Napi::Value DropPrivileges(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		bool lossless;
		uid_t uid = info[0].As<Napi::Number>().Uint32Value();
		gid_t gid = info[1].As<Napi::Number>().Uint32Value();
		uint64_t keep = info[2].As<Napi::BigInt>().Uint64Value(&lossless);

		if (stats_fd_ >= 0) {
			close(stats_fd_);
			stats_fd_ = -1;
		}
		std::string err = drop_privileges(uid, gid, keep);
		if (evictor_)
			evictor_->Restart();
		if (!err.empty())
			Napi::Error::New(env, err).ThrowAsJavaScriptException();
		return env.Undefined();
	}

	Napi::Value StartEvents(const Napi::CallbackInfo &info)
	{
		if (Ready(info) && !pump_)
			pump_ = EventPump::Start(info.Env(), bpf_map__fd(skel_->maps.events), info[0].As<Napi::Function>());
		return info.Env().Undefined();
	}

	Napi::Value StopEvents(const Napi::CallbackInfo &info)
	{
		if (pump_)
			pump_->Stop();
		pump_ = nullptr;
		return info.Env().Undefined();
	}

	Napi::Value Close(const Napi::CallbackInfo &info)
	{
		Release();
		return info.Env().Undefined();
	}

	void Release()
	{
		if (pump_)
			pump_->Stop();
		pump_ = nullptr;
		destroy_links(mode_links_);
		destroy_links(ipc_links_);
		destroy_links(exit_links_);
		delete evictor_; // joins its thread before the maps go
		evictor_ = nullptr;
		if (skel_)
			msgtop_bpf__destroy(skel_);
		skel_ = nullptr;
		if (stats_fd_ >= 0)
			close(stats_fd_);
		stats_fd_ = -1;
	}

	msgtop_bpf *skel_ = nullptr;
	std::vector<bpf_link *> mode_links_, ipc_links_, exit_links_;
	std::vector<int> ipc_tp_ids_; // tracefs ids of ipc_progs(skel_, false)
	Evictor *evictor_ = nullptr;
	EventPump *pump_ = nullptr;
	int stats_fd_ = -1;
	Mode mode_ = Mode::Sock;
	bool ipc_ = true, ipc_fexit_ = false;
};

} // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	// A fixed threshold: glibc otherwise raises it to the size of each large
	// block freed, so the map reads of a burst of exits (megabytes, once a
	// second) would stay in the heap for good instead of going back to the
	// system when freed.
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	exports.Set("Engine", Engine::Define(env));
	exports.Set("trampolineSupport", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
			    return Napi::String::New(info.Env(), trampoline_support());
		    }));
	return exports;
}

NODE_API_MODULE(msgtop, Init)
