/* The anti-rollback floors (kern/rollback.c) on the fake platform's
 * persistent store (fake.c plat_nv_*, NOR flash semantics): the boot
 * image's versions without a store; with one, formatting, a record per
 * accepted version, floors restored at the next boot, compaction into the
 * other half when a log is full, and writes cut short by a power loss
 * (neither a torn record nor a torn compaction raises or loses a floor).
 * A "reboot" is kern_boot_cfg again with the store's bytes kept. The swap's
 * refusal text is tests/kern/test_swap.c's. */
#include <string.h>
#include <kern/priv.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

static struct kern_shard *boot(uint64_t nv_size)
{
	fake_reset();
	sys4_reset();
	fake_nv_size = nv_size;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	return kern_shard_by_id(D);
}

static void no_store(void)
{
	struct kern_shard *d;

	fake_reset();
	sys4_reset();
	fake_boot_version[D] = 7;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	d = kern_shard_by_id(D);
	CHECK_EQ(d->version, 7);
	CHECK_EQ(d->floor, 7);
	CHECK_EQ(fake_ctrl(D)->version, 7);
	CHECK_EQ(kern_shard_by_id(A)->floor, 1);
	CHECK(!strstr(fake_out(), "rollback")); /* nothing to say */
	kern_rollback_accepted(d, 9);
	CHECK_EQ(d->floor, 9);
	d = boot(0);
	CHECK_EQ(d->floor, 1); /* forgotten */
}

static void records_survive_a_reboot(void)
{
	struct kern_shard *d;

	memset(fake_nv, 0, sizeof(fake_nv)); /* never erased: no counters */
	d = boot(FAKE_NV_MAX);
	CHECK(strstr(fake_out(), "kern| rollback: persistent store formatted (it held no counters)\n"));
	kern_rollback_accepted(d, 5);
	kern_rollback_accepted(kern_shard_by_id(B), 3);
	kern_rollback_accepted(d, 9);
	kern_rollback_accepted(d, 8); /* older than the floor: nothing to record */
	CHECK_EQ(d->floor, 9);
	d = boot(FAKE_NV_MAX);
	CHECK_STR(fake_out(),
		  "kern| rollback: counters in the persistent store: generation 1, 3 records\n"
		  "kern| rollback: shard b: floor version 3 (accepted before), boot image version 1\n"
		  "kern| rollback: shard d: floor version 9 (accepted before), boot image version 1\n"
		  "kern| shard a: started on core 0\n"
		  "kern| shard b: started on core 0\n"
		  "kern| shard c: started on core 0\n"
		  "kern| shard d: started on core 1\n");
	CHECK_EQ(d->floor, 9);
	CHECK_EQ(d->version, 1); /* the boot image runs; the floor stays */
	CHECK_EQ(kern_shard_by_id(B)->floor, 3);
	CHECK_EQ(kern_shard_by_id(A)->floor, 1);
	/* A boot image newer than every record: its version is the floor. */
	fake_reset();
	sys4_reset();
	fake_nv_size = FAKE_NV_MAX;
	fake_boot_version[D] = 12;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	CHECK_EQ(kern_shard_by_id(D)->floor, 12);
	CHECK(!strstr(fake_out(), "shard d: floor"));
}

/* 85 records fit a half's 4 KiB log: the 86th accepted version moves
 * every shard's latest into the other half (generation 2), and so on. */
static void compaction(void)
{
	struct kern_shard *d;

	memset(fake_nv, 0xff, sizeof(fake_nv));
	d = boot(FAKE_NV_MAX);
	kern_rollback_accepted(kern_shard_by_id(A), 1000);
	for (uint64_t v = 2; v <= 200; v++)
		kern_rollback_accepted(d, v);
	CHECK(!strstr(fake_out(), "not recorded"));
	d = boot(FAKE_NV_MAX);
	/* 200 accepted versions: 85 records in generation 1; then a's and d's
	 * latest + 83 in generation 2; then a's and d's latest + the last 30
	 * in generation 3. */
	CHECK(strstr(fake_out(),
		     "kern| rollback: counters in the persistent store: generation 3, 32 records\n"));
	CHECK_EQ(d->floor, 200);
	CHECK_EQ(kern_shard_by_id(A)->floor, 1000);
}

/* A power loss while a record is written: that record does not count
 * (no magic), the floor after a reboot is the one before, and nothing is
 * ever written over the torn bytes: a later boot skips the slot, the same
 * boot moves on to a fresh half. */
static void torn_record(void)
{
	struct kern_shard *d;

	memset(fake_nv, 0xff, sizeof(fake_nv));
	d = boot(FAKE_NV_MAX);
	kern_rollback_accepted(d, 4);
	fake_nv_words_left = 5; /* check and most of the name, no magic */
	kern_rollback_accepted(d, 6);
	CHECK(strstr(fake_out(), "kern| rollback: shard d: version 6 not recorded in the persistent store: "
				 "a reboot forgets it\n"));
	d = boot(FAKE_NV_MAX);
	CHECK(strstr(fake_out(), "generation 1, 1 records\n"));
	CHECK_EQ(d->floor, 4);
	kern_rollback_accepted(d, 5); /* in the slot after the torn one */
	fake_nv_words_left = 2;
	kern_rollback_accepted(d, 6);
	fake_nv_words_left = -1;
	kern_rollback_accepted(d, 7); /* a fresh half */
	d = boot(FAKE_NV_MAX);
	CHECK(strstr(fake_out(), "generation 2, 1 records\n"));
	CHECK_EQ(d->floor, 7);
}

/* A power loss in the middle of a compaction: the new half has no header,
 * the old one stays live with everything it held. */
static void torn_compaction(void)
{
	struct kern_shard *d;

	memset(fake_nv, 0xff, sizeof(fake_nv));
	d = boot(FAKE_NV_MAX);
	for (uint64_t v = 2; v <= 86; v++) /* a full log: 85 records */
		kern_rollback_accepted(d, v);
	fake_nv_words_left = 14; /* the compacted record, then the header's first words */
	kern_rollback_accepted(d, 87);
	CHECK(strstr(fake_out(), "version 87 not recorded"));
	d = boot(FAKE_NV_MAX);
	CHECK(strstr(fake_out(), "generation 1, 85 records\n"));
	CHECK_EQ(d->floor, 86);
}

int main(void)
{
	no_store();
	records_survive_a_reboot();
	compaction();
	torn_record();
	torn_compaction();
	return t_summary("test_kern_rollback");
}
