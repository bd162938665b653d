"""Diagnostics: `file:line:col: error|warning: message`, collected per run."""
import difflib


class Diags:
    def __init__(self):
        self.items = []  # (file, line, col, severity, message)

    def add(self, sev, file, pos, msg):
        line, col = pos
        self.items.append((str(file), line, col, sev, printable(msg)))

    def error(self, file, pos, msg):
        self.add("error", file, pos, msg)

    def warning(self, file, pos, msg):
        self.add("warning", file, pos, msg)

    @property
    def errors(self):
        return [d for d in self.items if d[3] == "error"]

    @property
    def warnings(self):
        return [d for d in self.items if d[3] == "warning"]

    def formatted(self, sev=None):
        seen = set()
        out = []
        for f, line, col, s, msg in sorted(self.items, key=lambda d: (d[0], d[1], d[2])):
            if sev and s != sev:
                continue
            text = "%s:%d:%d: %s: %s" % (f, line, col, s, msg)
            if text not in seen:
                seen.add(text)
                out.append(text)
        return out


def printable(text):
    """Text a terminal shows as it is: a control character or other
    unprintable one that a manifest value brought in is escaped, so a
    message cannot move the cursor, recolour or overwrite earlier lines."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


# A suggestion costs a comparison with every choice: past these the run
# would be quadratic in a hostile manifest's size (thousands of unknown
# names among thousands of shards), and no real choice list is that long.
SUGGEST_CHOICES = 64
SUGGEST_LENGTH = 64


def did_you_mean(word, choices):
    word = str(word)
    if len(choices) > SUGGEST_CHOICES or len(word) > SUGGEST_LENGTH:
        return ""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return " (did you mean '%s'?)" % close[0] if close else ""
