/* TESS_SYS_CONSOLE: print the text a shard left in its control page, one
 * "shard:<name>| " line per '\n'. The text is copied out first: the shard
 * (another process in the simulator) may scribble on the page meanwhile.
 * Only printable ASCII (0x20..0x7e) and tab pass; every other byte
 * becomes '?'. So a shard can neither forge the console's binary reload
 * frames (SOH ... NUL, docs/reload.md) nor move the terminal's cursor: no
 * CR, backspace or escape sequence that would overwrite its own
 * "shard:<name>| " prefix and show a forged "kern| " line (a tab only
 * moves right). A newline ends the line; the next one gets the prefix. */
#include <kern/lib.h>
#include <kern/priv.h>

uint64_t kern_console(struct kern_shard *s, uint64_t len)
{
	char buf[TESS_CONSOLE_BUF];
	char prefix[48];
	size_t start = 0;

	if (len > TESS_CONSOLE_BUF)
		len = TESS_CONSOLE_BUF;
	memcpy(buf, s->ctrl->console, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\0') { /* a C string's terminator ends the text */
			len = i;
			break;
		}
		if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\n')
			buf[i] = '?';
	}
	tess_snprintf(prefix, sizeof(prefix), "shard:%s| ", s->cfg->name);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		kern_console_line(prefix, 0, buf + start, i - start);
		start = i + 1;
	}
	/* Text after the last newline is a line of its own. */
	if (start < len)
		kern_console_line(prefix, 0, buf + start, len - start);
	return len;
}
