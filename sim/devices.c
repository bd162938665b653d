/* The board's devices, as `tessera sim` describes them on the command line
 * (codegen/tessera/backend/net.py reads them from manifest/boards/host.yaml):
 *   --virtio-mmio NAME,PA,IRQ     a transport: registers at PA, interrupt IRQ
 *   --net NAME=local=H:P,remote=H:P[,mac=M]
 *                                 a network device behind transport NAME
 *   --net-misbehave KIND[:N]      test mode of every network device
 * Each transport gets its interrupt line (irq.c) and its window on the bus
 * (mmio.c) before the cores start; the network devices' receive threads
 * start after kern_boot and stop at the end of the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev/dev.h"
#include "sim.h"

#define MAX_TRANSPORTS 8

struct transport {
	char name[32];
	uint64_t pa;
	uint32_t irq;
	bool has_net;
	struct sim_net_cfg cfg;
	struct sim_vmmio *t;
	struct sim_net *net;
};

static struct transport transports[MAX_TRANSPORTS];
static unsigned ntransports;
static int misbehave = SIM_NET_HONEST;
static unsigned every = 16;
static char misbehave_spec[48];

int sim_devices_transport(const char *spec)
{
	struct transport *tr = &transports[ntransports];
	char *end;
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : 0;

	if (ntransports == MAX_TRANSPORTS || !comma || len == 0 || len >= sizeof tr->name)
		return -1;
	memcpy(tr->name, spec, len);
	tr->name[len] = 0;
	tr->pa = strtoull(comma + 1, &end, 0);
	if (*end != ',')
		return -1;
	tr->irq = (uint32_t)strtoul(end + 1, &end, 0);
	if (*end)
		return -1;
	ntransports++;
	return 0;
}

static struct transport *find(const char *name, size_t len)
{
	for (unsigned i = 0; i < ntransports; i++)
		if (strlen(transports[i].name) == len && strncmp(transports[i].name, name, len) == 0)
			return &transports[i];
	return NULL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return -1;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* NAME=local=H:P,remote=H:P[,mac=M]: the user's --net with the device
 * resolved (backend/net.py). */
int sim_devices_net(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct transport *tr = eq ? find(spec, (size_t)(eq - spec)) : NULL;
	char buf[256], *save, *kv;
	static const uint8_t qemu_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; /* QEMU's default */

	if (!tr || tr->has_net || strlen(eq + 1) >= sizeof buf)
		return -1;
	memset(&tr->cfg, 0, sizeof tr->cfg);
	memcpy(tr->cfg.mac, qemu_mac, sizeof qemu_mac);
	strcpy(buf, eq + 1);
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		if (strncmp(kv, "local=", 6) == 0 && strlen(kv + 6) < sizeof tr->cfg.local)
			strcpy(tr->cfg.local, kv + 6);
		else if (strncmp(kv, "remote=", 7) == 0 && strlen(kv + 7) < sizeof tr->cfg.remote)
			strcpy(tr->cfg.remote, kv + 7);
		else if (strncmp(kv, "mac=", 4) != 0 || parse_mac(kv + 4, tr->cfg.mac) != 0)
			return -1;
	}
	if (!tr->cfg.local[0] || !tr->cfg.remote[0])
		return -1;
	tr->has_net = true;
	return 0;
}

/* KIND[:N] */
int sim_devices_misbehave(const char *spec)
{
	char kind[32];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	char *end;

	if (len >= sizeof kind)
		return -1;
	memcpy(kind, spec, len);
	kind[len] = 0;
	misbehave = sim_net_misbehave_kind(kind);
	snprintf(misbehave_spec, sizeof misbehave_spec, "%s", spec);
	if (colon) {
		unsigned long n = strtoul(colon + 1, &end, 10);

		if (*end || n == 0 || n > 1000000)
			return -1;
		every = (unsigned)n;
	}
	return misbehave < 0 ? -1 : 0;
}

/* After sim_ram_init, before kern_boot. */
int sim_devices_init(void)
{
	for (unsigned i = 0; i < ntransports; i++) {
		struct transport *tr = &transports[i];
		int line = sim_irq_line(tr->irq);

		tr->t = line < 0 ? NULL : sim_vmmio_new(tr->name, tr->pa, line);
		if (!tr->t || sim_mmio_add(sim_vmmio_window(tr->t)) != 0) {
			fprintf(stderr, "sim| %s: cannot create the transport\n", tr->name);
			return -1;
		}
		if (!tr->has_net)
			continue;
		tr->cfg.name = tr->name;
		tr->cfg.misbehave = misbehave;
		tr->cfg.every = every;
		tr->net = sim_net_new(tr->t, &tr->cfg);
		if (!tr->net)
			return -1;
		printf("sim| net %s: virtio-net at 0x%llx irq %u, udp %s -> %s%s%s\n", tr->name,
		       (unsigned long long)tr->pa, tr->irq, tr->cfg.local, tr->cfg.remote,
		       misbehave ? ", misbehaving: " : "", misbehave ? misbehave_spec : "");
	}
	return 0;
}

/* After kern_boot: the receive threads. */
int sim_devices_start(void)
{
	for (unsigned i = 0; i < ntransports; i++)
		if (transports[i].net && sim_net_start(transports[i].net) != 0) {
			fprintf(stderr, "sim| net %s: cannot start the receive thread\n", transports[i].name);
			return -1;
		}
	return 0;
}

/* The end of the run, every core parked: no device thread left, then
 * each network device's counters. */
void sim_devices_stop(void)
{
	for (unsigned i = 0; i < ntransports; i++)
		if (transports[i].net)
			sim_net_stop(transports[i].net);
}

void sim_devices_report(void)
{
	for (unsigned i = 0; i < ntransports; i++)
		if (transports[i].net)
			sim_net_report(transports[i].net);
}
