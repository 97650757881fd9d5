#!/bin/bash
# t-files-tz: file systems that store local wall-clock times (FAT, ISO
# 9660).  The output must not depend on the analyst's TZ; --fs-tz names
# the zone of the clock that wrote them, as TSK's `fls -z` does (the
# oracle); readings in a DST gap or fold are flagged.
. "$(dirname "$0")/lib.sh"
need fls mkfs.fat mcopy python3
img=$SPOOR_TESTDATA/fat.img
iso=$SPOOR_TESTDATA/iso.iso

# ---- the same image under three TZ values: byte-identical output ----
for tz in UTC Europe/Amsterdam America/New_York; do
	TZ=$tz spoor-files -q --no-progress "$img" > "$T/fat-$(echo "$tz" | tr / _).jsonl"
	ok $? "FAT under TZ=$tz"
done
cmp -s "$T/fat-UTC.jsonl" "$T/fat-Europe_Amsterdam.jsonl" &&
	cmp -s "$T/fat-UTC.jsonl" "$T/fat-America_New_York.jsonl"
ok $? "FAT: the same output whatever the shell's TZ"
for f in bodyfile csv dfxml; do
	TZ=UTC spoor-files -q --no-progress --format=$f "$img" > "$T/a.$f"
	TZ=America/New_York spoor-files -q --no-progress --format=$f "$img" > "$T/b.$f"
	# DFXML and CSV headers carry the run's start time: compare the rest
	grep -v 'start_time\|<execution_environment>\|<start_date>\|elapsed' "$T/a.$f" > "$T/a2"
	grep -v 'start_time\|<execution_environment>\|<start_date>\|elapsed' "$T/b.$f" > "$T/b2"
	cmp -s "$T/a2" "$T/b2"
	ok $? "FAT --format=$f: the same under TZ=UTC and America/New_York"
	rm -f "$T/a2" "$T/b2"	# cut copies: no longer DFXML to validate
done
for tz in UTC America/New_York; do
	TZ=$tz spoor-files -q --no-progress "$iso" > "$T/iso-$(echo "$tz" | tr / _).jsonl"
done
cmp -s "$T/iso-UTC.jsonl" "$T/iso-America_New_York.jsonl"
ok $? "ISO 9660: the same output whatever the shell's TZ"

# ---- --fs-tz against fls -z (TSK's own reading of the same zone) ----
# fls -m prints atime|mtime|ctime|crtime as epoch seconds
fls_times() { # ZONE IMAGE
	TZ=UTC fls -r -p -m / -z "$1" "$2" |
		perl -F'\|' -lane 'next if $F[1] =~ /\$(OrphanFiles|FAT[12]|MBR)/;
			(my $p = $F[1]) =~ s{^/}{}; $p =~ s/ \(deleted\)$//;
			print join "\t", $p, $F[2], @F[7,8,10]' | sort
}
spoor_times() { # JSONL
	JSONL_FILE=$1 perl -MJSON::PP -MTime::Local=timegm -ne '
		BEGIN { open my $f, "<", $ENV{JSONL_FILE} or die; @l = <$f>; }
		END {
			binmode STDOUT, ":utf8";
			for (@l) { my $r = JSON::PP->new->utf8->decode($_);
				next if $r->{path} =~ /\$(OrphanFiles|FAT[12]|MBR)/;
				my @t = map { my $v = $r->{$_};
					defined $v && $v =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/
					? timegm($6, $5, $4, $3, $2 - 1, $1) : 0 }
					qw(atime mtime crtime);
				print join("\t", $r->{path}, $r->{inode}, @t), "\n"; }
		}' /dev/null | sort
}
for zone in UTC Europe/Amsterdam America/New_York Asia/Kolkata; do
	spoor-files -q --no-progress --hash=none --no-magic --fs-tz=$zone "$img" > "$T/z.jsonl"
	fls_times "$zone" "$img" > "$T/want"
	spoor_times "$T/z.jsonl" > "$T/got"
	diff_ok "$T/got" "$T/want" "--fs-tz=$zone: atime, mtime, crtime as fls -z $zone reads them"
	is "$(jsonl_fields "$T/z.jsonl" fs_time_zone | sort -u)" "$zone" \
		"  every record says the zone it was read in"
done
spoor-files -q --no-progress --fs-tz=+05:30 "$img" > "$T/fixed.jsonl"
spoor-files -q --no-progress --fs-tz=Asia/Kolkata "$img" > "$T/kolkata.jsonl"
is "$(jsonl_fields "$T/fixed.jsonl" mtime | md5sum)" \
	"$(jsonl_fields "$T/kolkata.jsonl" mtime | md5sum)" \
	"--fs-tz=+05:30 equals Asia/Kolkata (no DST since 1945)"
spoor-files -q --no-progress "$SPOOR_TESTDATA/ext4.img" > "$T/ext4.jsonl"
is "$(jsonl_fields "$T/ext4.jsonl" fs_time_zone | sort -u)" "null" \
	"ext4 keeps UTC instants: no fs_time_zone"
for z in +15:00 +1:5 Europe/Atlantis ''; do
	run_rc 2 "--fs-tz='$z' is a usage error" spoor-files --fs-tz="$z" "$img"
done

# ---- a FAT volume written by a clock in a DST gap and fold ----
# mtools stores the host file's mtime as the wall clock of ITS TZ: with
# TZ=UTC the FAT entry holds the UTC digits given to touch
mkdir -p "$T/src"
echo gap > "$T/src/GAP.TXT"
echo fold > "$T/src/FOLD.TXT"
echo summer > "$T/src/SUMMER.TXT"
TZ=UTC touch -d '2024-03-31 02:30:00' "$T/src/GAP.TXT"
TZ=UTC touch -d '2024-10-27 02:30:00' "$T/src/FOLD.TXT"
TZ=UTC touch -d '2024-07-01 12:00:00' "$T/src/SUMMER.TXT"
mkfs.fat -C -F 12 -n DST "$T/dst.img" 1024 > /dev/null
TZ=UTC MTOOLS_SKIP_CHECK=1 mcopy -m -i "$T/dst.img" "$T/src/GAP.TXT" \
	"$T/src/FOLD.TXT" "$T/src/SUMMER.TXT" ::/
sha_before=$(sha256 "$T/dst.img")
run_rc 0 "DST image with --fs-tz=Europe/Amsterdam" spoor-files --no-progress \
	--fs-tz=Europe/Amsterdam "$T/dst.img"
jsonl_fields "$T/out" path mtime fs_time_flags | grep 'TXT' | sort > "$T/got"
# oracle: python zoneinfo (fold=0: the earlier instant, in a gap the
# offset before it)
python3 > "$T/want" <<'PY'
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
z = ZoneInfo("Europe/Amsterdam")
for name, wall, flag in [("FOLD.TXT", datetime(2024, 10, 27, 2, 30), "ambiguous"),
                         ("GAP.TXT", datetime(2024, 3, 31, 2, 30), "nonexistent"),
                         ("SUMMER.TXT", datetime(2024, 7, 1, 12, 0), None)]:
    u = wall.replace(tzinfo=z, fold=0).astimezone(timezone.utc)
    print("\t".join([name, u.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "mtime:%s crtime:%s" % (flag, flag) if flag else "null"]))
PY
diff_ok "$T/got" "$T/want" "gap and fold readings converted and flagged in fs_time_flags"
# DFXML says the same: UTC times, the zone they were read in, the flags
spoor-files -q --no-progress --format=dfxml --fs-tz=Europe/Amsterdam \
	"$T/dst.img" > "$T/dst.xml"
python3 - "$T/dst.xml" > "$T/got" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"d": "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML",
      "s": None}
root = ET.parse(sys.argv[1]).getroot()
dns = root.tag[1:root.tag.index("}")]
rows = []
for fo in root.iter("{%s}fileobject" % dns):
    name = fo.findtext("{%s}filename" % dns) or ""
    if not name.endswith(".TXT"):
        continue
    zone = flags = None
    for e in fo:
        if e.tag.endswith("}fs_time_zone") and not e.tag.startswith("{" + dns):
            zone = e.text
        if e.tag.endswith("}fs_time_flags") and not e.tag.startswith("{" + dns):
            flags = e.text
    rows.append("\t".join([name.rsplit("/", 1)[-1],
                           fo.findtext("{%s}mtime" % dns) or "",
                           flags or "null", zone or "none"]))
print("\n".join(sorted(rows)))
PY
sed 's/$/\tEurope\/Amsterdam/' "$T/want" > "$T/want-xml"
diff_ok "$T/got" "$T/want-xml" "DFXML: UTC mtimes, spoor:fs_time_zone and spoor:fs_time_flags as the oracle reads them"
is "$(sha256 "$T/dst.img")" "$sha_before" "DST image unchanged"
done_testing
