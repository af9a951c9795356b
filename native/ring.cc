#include "ring.h"

#include <bpf/libbpf.h>

#include <cstring>

EventPump::EventPump(Napi::Env env, Napi::Function callback)
	: env_(env), callback_(Napi::Persistent(callback)), async_(env, "msgtop:events")
{
}

EventPump *EventPump::Start(Napi::Env env, int map_fd, Napi::Function callback)
{
	auto *pump = new EventPump(env, callback);
	uv_loop_t *loop = nullptr;

	pump->ring_ = ring_buffer__new(map_fd, OnSample, pump, nullptr);
	if (!pump->ring_) {
		Napi::Error::New(env, std::string("cannot open the BPF ring buffer: ") + strerror(errno))
			.ThrowAsJavaScriptException();
		delete pump;
		return nullptr;
	}
	napi_get_uv_event_loop(env, &loop);
	uv_poll_init(loop, &pump->poll_, ring_buffer__epoll_fd(pump->ring_));
	pump->poll_.data = pump;
	uv_poll_start(&pump->poll_, UV_READABLE, OnPoll);
	return pump;
}

int EventPump::OnSample(void *ctx, void *data, size_t size)
{
	auto *pump = static_cast<EventPump *>(ctx);
	auto *bytes = static_cast<uint8_t *>(data);

	pump->batch_.insert(pump->batch_.end(), bytes, bytes + size);
	return 0;
}

void EventPump::OnPoll(uv_poll_t *handle, int status, int)
{
	auto *pump = static_cast<EventPump *>(handle->data);

	if (status < 0 || !pump->ring_)
		return;
	ring_buffer__consume(pump->ring_);
	if (pump->batch_.empty())
		return;
	Napi::HandleScope scope(pump->env_);
	auto buf = Napi::Buffer<uint8_t>::Copy(pump->env_, pump->batch_.data(), pump->batch_.size());
	pump->batch_.clear();
	pump->callback_.MakeCallback(pump->env_.Global(), {buf}, pump->async_);
}

void EventPump::Stop()
{
	uv_poll_stop(&poll_);
	ring_buffer__free(ring_);
	ring_ = nullptr;
	uv_close(reinterpret_cast<uv_handle_t *>(&poll_),
		 [](uv_handle_t *h) { delete static_cast<EventPump *>(h->data); });
}
