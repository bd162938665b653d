/* kern/reload on a byte stream, for the Python side's tests: the console
 * RX bytes come on stdin, the kernel's console (log lines and frames) goes
 * to stdout, and what the stand-in swap was handed goes to stderr as
 *   driver| apply 'NAME' version V (N bytes) exec X sha256 HEX
 * Fault injection on the wire, to exercise the host's resends:
 *   --drop-frame K     the K-th frame from the host never arrives
 *   --corrupt-frame K  the K-th frame from the host arrives with a bad byte
 *   --drop-reply K     the K-th frame of the kernel is lost
 *   --deaf-after K     after K frames, the kernel hears nothing more
 *   --apply-rc N       the stand-in swap's answer (t.h: t_apply_rc)
 *   --clock-scale F    the stall timer runs F times faster than real time
 * Works on pipes and on a pty master (a pty's EIO on hangup ends it). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <kern/kern.h>
#include "t.h"

static uint8_t stage[1 << 20];

static uint64_t now_ns(double scale)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec) * scale);
}

int main(int argc, char **argv)
{
	long drop = 0, corrupt = 0, deaf = 0;
	double scale = 1.0;
	for (int i = 1; i + 1 < argc; i += 2) {
		long v = strtol(argv[i + 1], NULL, 0);
		if (!strcmp(argv[i], "--drop-frame"))
			drop = v;
		else if (!strcmp(argv[i], "--corrupt-frame"))
			corrupt = v;
		else if (!strcmp(argv[i], "--drop-reply"))
			t_tx_drop = (int)v;
		else if (!strcmp(argv[i], "--deaf-after"))
			deaf = v;
		else if (!strcmp(argv[i], "--apply-rc"))
			t_apply_rc = (int)v;
		else if (!strcmp(argv[i], "--clock-scale"))
			scale = strtod(argv[i + 1], NULL);
	}
	t_echo = stdout;
	reload_proto_init(stage, sizeof stage, tess_reload_key, RELOAD_KEY_LEN);
	kern_log("driver ready");

	long frame = 0, pos = 0, applied = 0;
	int in_frame = 0;
	for (;;) {
		struct pollfd p = {.fd = 0, .events = POLLIN};
		int r = poll(&p, 1, 20);
		reload_poll(now_ns(scale));
		if (t_apply_calls != applied) {
			applied = t_apply_calls;
			fprintf(stderr, "driver| apply '%s' version %llu (%zu bytes) exec %u sha256 ",
				t_apply_cfg->name, (unsigned long long)t_apply_version, t_apply_len,
				(unsigned)t_apply_xp);
			for (int i = 0; i < 32; i++)
				fprintf(stderr, "%02x", t_apply_sha[i]);
			fprintf(stderr, "\n");
		}
		if (r <= 0)
			continue;
		uint8_t buf[512];
		ssize_t n = read(0, buf, sizeof buf);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
		for (ssize_t i = 0; i < n; i++) {
			uint8_t b = buf[i];
			if (!in_frame && b == FRAME_SOH)
				in_frame = 1, frame++, pos = 0;
			else if (b == 0)
				in_frame = 0;
			pos++;
			if ((in_frame || b == 0) && frame == drop)
				continue;
			if (in_frame && frame == corrupt && pos == 8)
				b = b == 0x55 ? 0x56 : 0x55;
			if (deaf && frame > deaf)
				continue;
			reload_rx_byte(b);
		}
	}
	return 0;
}
