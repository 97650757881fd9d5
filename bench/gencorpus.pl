#!/usr/bin/perl
# bench/gencorpus.pl: write the benchmark file tree, deterministically.
#
#   perl bench/gencorpus.pl --plan            print what would be written
#   perl bench/gencorpus.pl SRCDIR MANIFEST   write the tree into SRCDIR (which
#                                             must not exist) and "md5  path"
#                                             lines for every file to MANIFEST
#
# Called by bench/mkcorpus.sh, which turns the tree into an ext4 image.
#
# Everything comes from one fixed seed: names, sizes, times and text from
# perl's rand() (its own drand48 since perl 5.20, the same on every
# platform), bulk bytes from an AES-128-CTR keystream of zeros
# (openssl enc), read in file order. The same script gives the same tree.
#
# The mix is meant to look like a lived-in Linux disk to libmagic: text of
# many kinds (logs, csv, json, html, xml, source, mail, config, UTF-16),
# media and documents with small valid headers and keystream bodies (JPEG,
# PNG, GIF, PDF, MP3), containers (zip/docx/jar, gzip), sqlite databases
# (made by the sqlite3 shell), ELF and PE executables, opaque blobs, empty
# files, symlinks, a few large files, and directories up to 7 deep.

use strict;
use warnings;
use Compress::Zlib qw(crc32);
use Digest::MD5;
use IO::Compress::Gzip qw(gzip $GzipError);
use IO::Compress::Zip qw(:zip_method $ZipError);

use constant KiB => 1024;
use constant MiB => 1024 * 1024;

my $SEED = 20240229;
my $KEY = '000102030405060708090a0b0c0d0e0f';
my $T0 = 1546300800;		# 2019-01-01, the oldest mtime
my $TSPAN = 5 * 365 * 86400;	# mtimes spread over five years

# ---------------------------------------------------------------- the mix
#
# type => [count, median size, sigma (of ln size), min, max]; sizes are
# log-normal, clamped to [min, max]. The large files are listed apart.

my @MIX = (
	# text
	[log	=> 1400, 8 * KiB,	1.6, 100,	8 * MiB],
	[csv	=> 900, 6 * KiB,	1.5, 60,	4 * MiB],
	[json	=> 1900, 2 * KiB,	1.4, 40,	2 * MiB],
	[html	=> 1500, 12 * KiB,	1.0, 300,	1 * MiB],
	[xml	=> 500, 4 * KiB,	1.3, 100,	2 * MiB],
	[c	=> 2900, 6 * KiB,	1.0, 100,	400 * KiB],
	[py	=> 1400, 4 * KiB,	1.0, 100,	200 * KiB],
	[sh	=> 400, 1 * KiB,	1.0, 40,	40 * KiB],
	[txt	=> 1300, 3 * KiB,	1.3, 20,	1 * MiB],
	[conf	=> 600, 1 * KiB,	0.8, 20,	64 * KiB],
	[eml	=> 700, 4 * KiB,	1.2, 400,	1 * MiB],
	[utf16	=> 60, 2 * KiB,		1.0, 40,	256 * KiB],
	# binary
	[jpeg	=> 2000, 40 * KiB,	1.1, 2 * KiB,	12 * MiB],
	[png	=> 1900, 10 * KiB,	1.3, 200,	4 * MiB],
	[gif	=> 300, 8 * KiB,	1.2, 100,	2 * MiB],
	[pdf	=> 500, 48 * KiB,	1.3, 2 * KiB,	16 * MiB],
	[zip	=> 150, 80 * KiB,	1.5, 1 * KiB,	16 * MiB],
	[gz	=> 300, 16 * KiB,	1.4, 200,	4 * MiB],
	[sqlite	=> 40, 200 * KiB,	1.2, 8 * KiB,	8 * MiB],
	[elf	=> 350, 48 * KiB,	1.5, 2 * KiB,	12 * MiB],
	[pe	=> 80, 96 * KiB,	1.3, 4 * KiB,	8 * MiB],
	[mp3	=> 24, 3 * MiB,		0.4, 500 * KiB,	10 * MiB],
	[data	=> 700, 4 * KiB,	2.0, 1,		4 * MiB],
	[empty	=> 60, 0,		0, 0,		0],
);
my $NSYMLINKS = 30;

# The large files: [type, path, size].
my @BIG = (
	[diskimg	=> 'home/dave/vm/disk0.img',			96 * MiB],
	[mp4		=> 'home/carol/Videos/2023/holiday-2023-08.mp4', 72 * MiB],
	[biggz		=> 'srv/backup/2024/01/home-full-20240107.tar.gz', 52 * MiB],
);

# ------------------------------------------------------- where files live
#
# %X placeholders are filled at random from @{$VAL{X}}; %n is a number,
# %h a hex digit, %x eight, %w a word.

my %VAL = (
	U => [qw(alice bob carol dave)],
	P => [qw(libfoo webshop tracker ingest notes photon kiln raft)],
	M => [qw(core net io util parse store)],
	S => [qw(v1 v2 impl legacy)],
	V => [qw(nginx postgresql sshd cron docker kernel apt
		 cups auth syslog)],
	A => [qw(firefox chromium thunderbird slack code spotify
		 gimp libreoffice)],
	W => [qw(example.org shop.example intranet blog)],
	K => [qw(openssl zlib curl python3 perl git bash coreutils
		 libpng sqlite3 vim gzip)],
	O => [qw(acme initech globex)],
	D => [qw(finance reports invoices taxes research travel)],
	Y => [2019 .. 2024],
	m => ['01' .. '12'],
);

my %WHERE = (
	log	=> ['var/log', 'var/log/%V', 'var/log/%V/%Y',
		    'home/%U/projects/%P/logs', 'opt/%O/%A/logs/%Y'],
	csv	=> ['home/%U/Documents', 'home/%U/Documents/%D',
		    'home/%U/Documents/%D/%Y', 'home/%U/projects/%P/data',
		    'home/%U/projects/%P/data/%S', 'srv/exports/%Y/%m'],
	json	=> ['home/%U/projects/%P', 'home/%U/projects/%P/src/%M',
		    'home/%U/.config/%A', 'var/lib/%A/state',
		    'var/www/%W/api/%S', 'home/%U/.cache/%A/%h'],
	html	=> ['var/www/%W', 'var/www/%W/%S', 'var/www/%W/%S/%M',
		    'home/%U/Downloads', 'home/%U/.cache/%A/%h',
		    'usr/share/doc/%K/html'],
	xml	=> ['home/%U/projects/%P', 'etc/%A', 'usr/share/%K/xml',
		    'var/www/%W/%S'],
	c	=> ['home/%U/projects/%P/src', 'home/%U/projects/%P/src/%M',
		    'home/%U/projects/%P/src/%M/%S',
		    'home/%U/projects/%P/include/%P',
		    'home/%U/projects/%P/tests', 'usr/src/%K/%M'],
	py	=> ['home/%U/projects/%P/%P', 'home/%U/projects/%P/%P/%M',
		    'home/%U/projects/%P/tests',
		    'usr/lib/python3/dist-packages/%K/%M'],
	sh	=> ['home/%U/bin', 'home/%U/projects/%P/scripts', 'etc/%K',
		    'usr/local/bin', 'opt/%O/%A/bin'],
	txt	=> ['home/%U/Documents', 'home/%U/Documents/%D',
		    'home/%U/projects/%P', 'home/%U/projects/%P/docs',
		    'usr/share/doc/%K', 'home/%U/Desktop'],
	conf	=> ['etc', 'etc/%K', 'etc/%A', 'home/%U/.config/%A',
		    'opt/%O/%A/etc'],
	eml	=> ['home/alice/Mail/INBOX/cur', 'home/alice/Mail/INBOX/cur',
		    'home/%U/Mail/INBOX/cur', 'home/%U/Mail/Sent/cur',
		    'home/%U/Mail/%D/cur'],
	utf16	=> ['home/%U/Documents/windows', 'home/%U/Downloads'],
	jpeg	=> ['home/%U/Pictures/%Y/%m', 'home/alice/Pictures/Camera',
		    'home/%U/Downloads', 'var/www/%W/img/%S',
		    'home/%U/.cache/%A/%h'],
	png	=> ['home/%U/.cache/thumbnails/normal',
		    'home/alice/.cache/thumbnails/normal',
		    'home/%U/Pictures/Screenshots', 'var/www/%W/img',
		    'usr/share/icons/hicolor/%m/apps',
		    'home/%U/projects/%P/docs/img'],
	gif	=> ['var/www/%W/img', 'home/%U/Downloads',
		    'home/%U/.cache/%A/%h'],
	pdf	=> ['home/%U/Documents', 'home/%U/Documents/%D',
		    'home/%U/Documents/%D/%Y', 'home/%U/Downloads',
		    'usr/share/doc/%K'],
	zip	=> ['home/%U/Downloads', 'home/%U/Documents/%D',
		    'srv/exports/%Y', 'home/%U/projects/%P/dist'],
	gz	=> ['var/log/%V', 'srv/backup/%Y/%m', 'usr/share/doc/%K',
		    'home/%U/Downloads'],
	sqlite	=> ['home/%U/.mozilla/firefox/%x.default',
		    'home/%U/.config/%A', 'var/lib/%A', 'home/%U/projects/%P/data'],
	elf	=> ['usr/lib/x86_64-linux-gnu', 'usr/bin', 'usr/local/bin',
		    'opt/%O/%A/lib', 'home/%U/projects/%P/build',
		    'home/%U/projects/%P/build/%M'],
	pe	=> ['home/%U/Downloads', 'home/%U/.wine/drive_c/Program Files/%A',
		    'home/%U/.wine/drive_c/windows/system32'],
	mp3	=> ['home/%U/Music/%K', 'home/%U/Music'],
	data	=> ['home/%U/.cache/%A/%h', 'var/cache/%K', 'var/lib/%A',
		    'home/%U/.local/share/%A', 'tmp'],
	empty	=> ['var/lib/%A', 'home/%U/.config/%A', 'var/log/%V', 'tmp',
		    'home/%U/projects/%P/src/%M'],
);

my %NAME = (
	log	=> ['%V.log', '%V.log.%n', '%V-%Y%m.log', 'error.log.%n',
		    'access.log.%n', 'debug-%n.log'],
	csv	=> ['%D_%n.csv', 'export-%Y-%m.csv', 'report_%n.csv', 'data%n.csv'],
	json	=> ['%w_%n.json', 'manifest-%n.json', '%x.json',
		    'settings-%n.json'],
	html	=> ['%w-%n.html', 'index-%n.html', '%w_%w.htm', 'page%n.html'],
	xml	=> ['%w-%n.xml', 'pom-%n.xml', '%w.xml'],
	c	=> ['%w_%w.c', '%w.c', '%w_%w.h', '%w-%n.c', '%w.h'],
	py	=> ['%w_%w.py', '%w.py', 'test_%w_%n.py'],
	sh	=> ['%w-%w.sh', '%w.sh', 'run-%n'],
	txt	=> ['%w-%w.md', 'README-%n.md', 'notes-%n.txt', '%w_%n.txt'],
	conf	=> ['%w.conf', '%w-%n.ini', '%w.cfg', '%w-%n.yaml'],
	eml	=> ['%n%n.M%n.%w:2,S'],
	utf16	=> ['%w-%n.txt', '%w_%w.reg'],
	jpeg	=> ['IMG_%n.jpg', 'DSC%n.JPG', 'photo-%n.jpeg', '%w_%n.jpg'],
	png	=> ['%x%x.png', 'Screenshot-%n.png', '%w-%n.png',
		    'icon%n.png'],
	gif	=> ['%w-%n.gif', 'anim%n.gif'],
	pdf	=> ['%w-%n.pdf', '%D-%Y-%n.pdf', 'scan%n.pdf', '%w_%w.pdf'],
	zip	=> ['%w-%n.zip', '%w-%n.docx', '%w_%n.xlsx', '%w-%n.jar'],
	gz	=> ['%w-%n.tar.gz', '%V.log.%n.gz', '%w.%n.gz'],
	sqlite	=> ['places-%n.sqlite', '%w-%n.db', '%w.sqlite3'],
	elf	=> ['lib%w.so.%n', 'lib%w-%n.so', '%w', '%w-%w', '%w.o'],
	pe	=> ['%w-setup-%n.exe', '%w%n.dll', '%w.exe'],
	mp3	=> ['%n - %w %w.mp3', 'track%n.mp3'],
	data	=> [q(%x), '%w-%n.bin', '%w.dat', '%w-%n.cache'],
	empty	=> ['%w.lock', '.%w', '%w-%n.pid', '__init__.py'],
);

# ------------------------------------------------------------------ words

my @WORDS = qw(
	alpha beta gamma delta table index query cache buffer stream socket
	thread kernel driver module packet frame header record column value
	token parser lexer vector matrix signal filter render widget window
	cursor report invoice account ledger balance export import backup
	server client daemon service session request response status error
	warning notice config option setting profile user group member admin
	photo image album travel summer winter river mountain garden coffee
	letter meeting project budget review draft final update release
	build deploy commit branch merge patch version schema migrate
	storage volume block sector extent inode journal offset length
	search engine market ticket order payment refund customer vendor
	quick brown lazy fox jumps over dog lorem ipsum dolor sit amet
);
my @UWORDS = ("caf\xc3\xa9", "na\xc3\xafve", "Z\xc3\xbcrich", "S\xc3\xa3o",
	"\xc3\xa5ngstr\xc3\xb6m", "\xe6\x9d\xb1\xe4\xba\xac",
	"\xd0\xbc\xd0\xb8\xd1\x80", "stra\xc3\x9fe");
my @MON = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec);
my @HOSTS = qw(web01 web02 db01 build-7 nas laptop-alice);
my @PROCS = qw(sshd cron nginx postgres kernel systemd dockerd CRON sudo);

sub pick { $_[rand @_] }
sub word { $WORDS[rand @WORDS] }
sub words { join ' ', map { word() } 1 .. $_[0] }
sub ident { join '_', map { word() } 1 .. 1 + int rand 2 }
sub sentence { my $s = words(4 + int rand 12); ucfirst($s) . '.' }

# A normal deviate (Box-Muller).
sub gauss {
	my $u1 = 1 - rand();
	my $u2 = rand();
	return sqrt(-2 * log($u1)) * cos(6.283185307179586 * $u2);
}

sub size_for {
	my ($median, $sigma, $lo, $hi) = @_;
	return 0 if $median == 0;
	my $s = int($median * exp($sigma * gauss()));
	return $s < $lo ? $lo : $s > $hi ? $hi : $s;
}

sub fill_template {
	my ($t) = @_;
	$t =~ s{%([A-Za-z])}{
		$1 eq 'n' ? 1 + int rand 9999 :
		$1 eq 'h' ? sprintf('%x', int rand 16) :
		$1 eq q(x) ? sprintf(q(%08x), int rand 2**32) :
		$1 eq 'w' ? word() :
		pick(@{$VAL{$1}})
	}ge;
	return $t;
}

# ------------------------------------------------------------------- plan

srand($SEED);

my (@files, %seen, %dirs);

sub unique_path {
	my ($dir, $name) = @_;
	my $p = "$dir/$name";
	my $i = 1;
	while ($seen{$p}) {
		my ($base, $ext) = $name =~ /^(.+?)((?:\.[^.\/]+)?)$/;
		$p = "$dir/$base-" . $i++ . $ext;
	}
	$seen{$p} = 1;
	return $p;
}

for my $m (@MIX) {
	my ($type, $count, @dist) = @$m;
	for (1 .. $count) {
		my $dir = fill_template(pick(@{$WHERE{$type}}));
		my $name = fill_template(pick(@{$NAME{$type}}));
		my $mtime = $T0 + int rand $TSPAN;
		push @files, {
			type => $type,
			path => unique_path($dir, $name),
			size => size_for(@dist),
			mtime => $mtime,
			atime => $mtime + int rand 86400 * 30,
		};
	}
}
for my $b (@BIG) {
	my ($type, $path, $size) = @$b;
	$seen{$path} = 1;
	my $mtime = $T0 + $TSPAN - int rand 86400 * 60;
	push @files, {type => $type, path => $path, size => $size,
		mtime => $mtime, atime => $mtime};
}

# Symlinks: short names for shared libraries, and a few that dangle.
my @libs = grep { $_->{type} eq 'elf' && $_->{path} =~ /\.so\.\d+$/ } @files;
my @links;
for my $i (1 .. $NSYMLINKS) {
	if ($i % 10 == 0 || !@libs) {
		my $dir = fill_template('home/%U/.config/%A');
		push @links, {path => unique_path($dir, 'current'),
			target => '../../.cache/gone-' . (1 + int rand 99)};
		next;
	}
	my $lib = splice @libs, int rand @libs, 1;
	(my $dir = $lib->{path}) =~ s{/[^/]+$}{};
	(my $base = $lib->{path}) =~ s{^.*/}{};
	(my $short = $base) =~ s/\.so\.\d+$/.so/;
	push @links, {path => unique_path($dir, $short), target => $base};
}

for my $f (@files, @links) {
	my $d = $f->{path};
	while ($d =~ s{/[^/]+$}{}) { $dirs{$d} = 1 }
}

if (@ARGV && $ARGV[0] eq '--plan') {
	my (%n, %b, $bytes, $depth);
	$depth = 0;
	for my $f (@files) {
		$n{$f->{type}}++;
		$b{$f->{type}} += $f->{size};
		$bytes += $f->{size};
		my $d = () = $f->{path} =~ m{/}g;
		$depth = $d if $d > $depth;
	}
	printf "%-8s %6d files %10.1f MiB\n", $_, $n{$_}, $b{$_} / MiB
		for sort { $b{$b} <=> $b{$a} } keys %n;
	printf "files=%d symlinks=%d dirs=%d bytes=%d depth=%d\n",
		scalar @files, scalar @links, scalar(keys %dirs) + 1, $bytes,
		$depth;
	exit 0;
}

@ARGV == 2 or die "usage: $0 --plan | $0 SRCDIR MANIFEST\n";
my ($ROOT, $MANIFEST) = @ARGV;
-e $ROOT and die "$0: $ROOT exists\n";

# -------------------------------------------------------------- keystream

# openssl complains when the pipe is closed at the end; hence 2>/dev/null.
open(my $KS, '-|', "openssl enc -aes-128-ctr -nosalt -K $KEY -iv " .
	('0' x 32) . ' -in /dev/zero 2>/dev/null')
	or die "$0: openssl: $!\n";
binmode $KS;

sub rbytes {
	my ($n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $got = read($KS, $buf, $n - length($buf), length($buf));
		die "$0: keystream ended\n" unless $got;
	}
	return $buf;
}

# fill_random(OUT, N): N keystream bytes through the writer OUT.
sub fill_random {
	my ($out, $n) = @_;
	while ($n > 0) {
		my $k = $n > MiB ? MiB : $n;
		$out->(rbytes($k));
		$n -= $k;
	}
}

# ------------------------------------------------------------ text pools

sub ts_iso {
	my ($t) = @_;
	my @g = gmtime $t;
	return sprintf '%04d-%02d-%02dT%02d:%02d:%02d', $g[5] + 1900,
		$g[4] + 1, @g[3, 2, 1, 0];
}

sub ip { join '.', 10, map { int rand 256 } 1 .. 3 }
sub urlpath { '/' . join('/', map { word() } 0 .. int rand 3) .
	pick('', '.html', '.php', '.png', '/') }

my (%POOL);
$POOL{syslog} = [map {
	sprintf "%s %2d %02d:%02d:%02d %s %s[%d]: %s\n", pick(@MON),
		1 + int rand 28, int rand 24, int rand 60, int rand 60,
		pick(@HOSTS), pick(@PROCS), 1 + int rand 32768, words(3 + int rand 14)
} 1 .. 3000];
$POOL{access} = [map {
	sprintf "%s - - [%02d/%s/%d:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\"\n",
		ip(), 1 + int rand 28, pick(@MON), 2019 + int rand 6,
		int rand 24, int rand 60, int rand 60, pick(qw(GET GET GET POST HEAD)),
		urlpath(), pick(200, 200, 200, 304, 404, 500), int rand 90000,
		pick('Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
		     'curl/7.88.1', 'Googlebot/2.1 (+http://www.google.com/bot.html)')
} 1 .. 3000];
$POOL{applog} = [map {
	sprintf "%s.%03dZ %-5s [%s] %s\n", ts_iso($T0 + int rand $TSPAN),
		int rand 1000, pick(qw(INFO INFO INFO DEBUG WARN ERROR)),
		pick(@{$VAL{M}}), sentence()
} 1 .. 3000];
$POOL{json} = [map {
	sprintf qq(  {\n    "id": %d,\n    "name": "%s",\n    "tags": [%s],\n    "value": %.3f,\n    "active": %s,\n    "updated": "%sZ"\n  }),
		int rand 1e6, words(2), join(', ', map { '"' . word() . '"' } 0 .. int rand 4),
		rand 1000, pick('true', 'false'), ts_iso($T0 + int rand $TSPAN)
} 1 .. 2000];
$POOL{html} = [map {
	pick(sprintf("<p>%s %s</p>\n", sentence(), sentence()),
	     sprintf("<div class=\"%s\"><a href=\"%s\">%s</a></div>\n", word(), urlpath(), words(3)),
	     sprintf("<ul>\n%s</ul>\n", join '', map { "  <li>" . words(4) . "</li>\n" } 0 .. 1 + int rand 5),
	     sprintf("<h2>%s</h2>\n", ucfirst words(3)),
	     sprintf("<table><tr><td>%s</td><td>%d</td></tr></table>\n", word(), int rand 1e4))
} 1 .. 2000];
$POOL{xml} = [map {
	sprintf "  <record id=\"%d\" type=\"%s\">\n    <name>%s</name>\n    <value>%.2f</value>\n  </record>\n",
		int rand 1e6, word(), words(2), rand 1e4
} 1 .. 2000];
$POOL{c} = [map {
	my $f = ident();
	my $body = join '', map {
		pick(sprintf("\tif (%s == NULL)\n\t\treturn -1;\n", word()),
		     sprintf("\t%s->%s = %s(%s, %d);\n", word(), word(), ident(), word(), int rand 4096),
		     sprintf("\tfor (i = 0; i < %s; i++)\n\t\t%s[i] = 0;\n", ident(), word()),
		     sprintf("\t/* %s */\n", words(6)))
	} 0 .. 1 + int rand 8;
	sprintf "/*\n * %s\n */\nstatic int\n%s(struct %s *%s, size_t n)\n{\n\tsize_t i;\n\n%s\treturn 0;\n}\n\n",
		sentence(), $f, word(), word(), $body
} 1 .. 1500];
$POOL{py} = [map {
	my $body = join '', map {
		pick(sprintf("        %s = self.%s(%s)\n", word(), ident(), word()),
		     sprintf("        if not %s:\n            raise ValueError(\"%s\")\n", word(), words(4)),
		     sprintf("        for %s in %s:\n            yield %s\n", word(), ident(), word()),
		     sprintf("        # %s\n", words(6)))
	} 0 .. 1 + int rand 6;
	sprintf "    def %s(self, %s):\n        \"\"\"%s\"\"\"\n%s        return %s\n\n",
		ident(), word(), sentence(), $body, word()
} 1 .. 1500];
$POOL{sh} = [map {
	pick(sprintf("%s=\"\${%s:-%s}\"\n", uc word(), uc word(), word()),
	     sprintf("if [ -f \"\$%s\" ]; then\n\t%s \"\$%s\"\nfi\n", uc word(), word(), uc word()),
	     sprintf("# %s\n", words(6)),
	     sprintf("%s --%s \"\$@\" | grep -v %s\n", word(), word(), word()))
} 1 .. 1000];
$POOL{txt} = [map {
	my $s = join ' ', map { rand() < 0.04 ? pick(@UWORDS) : word() } 1 .. 20 + int rand 60;
	pick("\n## " . ucfirst(words(3)) . "\n\n", "", "", "- ") . ucfirst($s) . ".\n\n"
} 1 .. 2000];
$POOL{conf} = [map {
	pick(sprintf("\n[%s]\n", word()), sprintf("%s = %s\n", ident(), word()),
	     sprintf("%s = %d\n", ident(), int rand 65536), sprintf("# %s\n", words(5)))
} 1 .. 1000];
$POOL{csv} = [map { [int rand 1e6, ts_iso($T0 + int rand $TSPAN), word(),
	sprintf('%.2f', rand 1e5), words(3), pick(qw(open closed pending))] } 1 .. 3000];

# lines(POOL, N): pool entries at random until about N bytes.
sub lines {
	my ($pool, $n) = @_;
	my $p = $POOL{$pool};
	my $s = '';
	$s .= $p->[rand @$p] while length($s) < $n;
	return $s;
}

# ------------------------------------------------------------ generators
#
# Each takes the plan entry and a writer; the writer appends bytes to the
# file. Sizes are aimed at, not exact, for the text and container types.

my %GEN;

$GEN{log} = sub {
	my ($f, $out) = @_;
	$out->(lines(pick(qw(syslog access applog)), $f->{size}));
};

$GEN{csv} = sub {
	my ($f, $out) = @_;
	my $s = "id,timestamp,category,amount,description,status\r\n";
	my $p = $POOL{csv};
	$s .= join(',', @{$p->[rand @$p]}) . "\r\n" while length($s) < $f->{size};
	$out->($s);
};

$GEN{json} = sub {
	my ($f, $out) = @_;
	if ($f->{size} < 200) {
		$out->(sprintf qq({"name": "%s", "version": "%d.%d.%d", "private": %s}\n),
			word(), int rand 5, int rand 20, int rand 50, pick('true', 'false'));
		return;
	}
	my $p = $POOL{json};
	my @o;
	my $n = 4;
	while ($n < $f->{size}) {
		push @o, $p->[rand @$p];
		$n += length($o[-1]) + 2;
	}
	$out->("[\n" . join(",\n", @o) . "\n]\n");
};

$GEN{html} = sub {
	my ($f, $out) = @_;
	my $t = ucfirst words(3);
	$out->("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" .
		"<title>$t</title>\n</head>\n<body>\n<h1>$t</h1>\n" .
		lines('html', $f->{size} - 150) . "</body>\n</html>\n");
};

$GEN{xml} = sub {
	my ($f, $out) = @_;
	$out->("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<records>\n" .
		lines('xml', $f->{size} - 60) . "</records>\n");
};

$GEN{c} = sub {
	my ($f, $out) = @_;
	my $h = "/* " . sentence() . " */\n\n#include <stdio.h>\n#include <stdlib.h>\n" .
		"#include <string.h>\n#include \"" . word() . ".h\"\n\n";
	$out->($h . lines('c', $f->{size} - length $h));
};

$GEN{py} = sub {
	my ($f, $out) = @_;
	my $h = pick("#!/usr/bin/env python3\n", "") .
		"\"\"\"" . sentence() . "\"\"\"\n\nimport os\nimport sys\nfrom " .
		word() . " import " . ident() . "\n\n\nclass " . ucfirst(word()) .
		ucfirst(word()) . ":\n";
	$out->($h . lines('py', $f->{size} - length $h));
};

$GEN{sh} = sub {
	my ($f, $out) = @_;
	my $h = pick("#!/bin/sh\n", "#!/bin/bash\n", "#!/usr/bin/env bash\n") .
		"# " . sentence() . "\nset -e\n\n";
	$out->($h . lines('sh', $f->{size} - length $h));
};

$GEN{txt} = sub {
	my ($f, $out) = @_;
	$out->('# ' . ucfirst(words(3)) . "\n\n" . lines('txt', $f->{size}));
};

$GEN{conf} = sub {
	my ($f, $out) = @_;
	$out->("# " . sentence() . "\n" . lines('conf', $f->{size}));
};

$GEN{eml} = sub {
	my ($f, $out) = @_;
	my ($from, $to) = (pick(@{$VAL{U}}), pick(@{$VAL{U}}));
	my @g = gmtime $f->{mtime};
	my $h = sprintf "Return-Path: <%s\@example.org>\nReceived: from mx.example.org (mx.example.org [%s])\n\tby mail.example.org with ESMTPS id %08x\n" .
		"From: %s <%s\@example.org>\nTo: %s <%s\@example.org>\nSubject: %s\n" .
		"Date: %s, %02d %s %04d %02d:%02d:%02d +0000\nMessage-ID: <%08x.%d\@example.org>\n" .
		"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n",
		$from, ip(), int rand 2**31, ucfirst $from, $from, ucfirst $to, $to,
		ucfirst(words(4)), (qw(Sun Mon Tue Wed Thu Fri Sat))[$g[6]], $g[3],
		$MON[$g[4]], $g[5] + 1900, @g[2, 1, 0], int rand 2**31, int rand 1e6;
	$out->($h . lines('txt', $f->{size} - length $h));
};

$GEN{utf16} = sub {
	my ($f, $out) = @_;
	my $s = "Windows Registry Editor Version 5.00\r\n\r\n";
	$s .= sprintf("[HKEY_CURRENT_USER\\Software\\%s\\%s]\r\n\"%s\"=\"%s\"\r\n\r\n",
		ucfirst word(), ucfirst word(), word(), words(3))
		while length($s) * 2 < $f->{size};
	$s =~ s/(.)/$1\0/gs;
	$out->("\xff\xfe" . $s);
};

# JPEG: SOI, APP0 JFIF (web) or APP1 Exif (camera), DQT, SOF0, DHT, SOS,
# keystream "entropy data", EOI.
sub exif {
	my ($make, $model, $date) = @_;
	my @e = ([0x010f, 2, "$make\0"], [0x0110, 2, "$model\0"],
		 [0x0112, 3, pack('v', 1)], [0x0132, 2, "$date\0"]);
	my $off = 8 + 2 + 12 * @e + 4;
	my ($ifd, $data) = (pack('v', scalar @e), '');
	for my $x (@e) {
		my ($tag, $type, $v) = @$x;
		my $count = $type == 3 ? 1 : length $v;
		if (length $v <= 4) {
			$ifd .= pack('vvV', $tag, $type, $count) . pack('a4', $v);
		} else {
			$ifd .= pack('vvVV', $tag, $type, $count, $off + length $data);
			$data .= $v;
			$data .= "\0" if length($data) % 2;
		}
	}
	return "II*\0" . pack('V', 8) . $ifd . pack('V', 0) . $data;
}

$GEN{jpeg} = sub {
	my ($f, $out) = @_;
	my ($w, $h) = @{pick([640, 480], [1024, 768], [1920, 1080], [4032, 3024], [3000, 4000], [800, 600])};
	my $s = "\xff\xd8";
	if ($f->{path} =~ m{/(IMG_|DSC)}) {
		my @g = gmtime $f->{mtime};
		my $cam = pick(['Canon', 'Canon EOS 80D'], ['NIKON CORPORATION', 'NIKON D7500'],
			['Apple', 'iPhone 12'], ['samsung', 'SM-G991B']);
		my $tiff = exif(@$cam,
			sprintf('%04d:%02d:%02d %02d:%02d:%02d', $g[5] + 1900, $g[4] + 1, @g[3, 2, 1, 0]));
		$s .= "\xff\xe1" . pack('n', 8 + length $tiff) . "Exif\0\0" . $tiff;
	} else {
		$s .= "\xff\xe0" . pack('n', 16) . "JFIF\0\x01\x01\x01" . pack('nn', 72, 72) . "\0\0";
	}
	$s .= "\xff\xdb" . pack('n', 67) . "\0" . pack('C*', map { 2 + ($_ * 7) % 50 } 0 .. 63);
	$s .= "\xff\xc0" . pack('n', 17) . "\x08" . pack('nn', $h, $w) .
		"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01";
	$s .= "\xff\xc4" . pack('n', 31) . "\x00" .
		pack('C*', 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 .. 11);
	$s .= "\xff\xda" . pack('n', 12) . "\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00";
	$out->($s);
	my $n = $f->{size} - length($s) - 2;
	fill_random($out, $n > 0 ? $n : 16);
	$out->("\xff\xd9");
};

sub png_chunk {
	my ($type, $data) = @_;
	return pack('N', length $data) . $type . $data . pack('N', crc32($type . $data));
}

$GEN{png} = sub {
	my ($f, $out) = @_;
	my ($w, $h) = $f->{path} =~ /thumbnails/ ? (128, 96 + int rand 33) :
		(16 * (1 + int rand 120), 16 * (1 + int rand 68));
	$out->("\x89PNG\r\n\x1a\n" .
		png_chunk('IHDR', pack('NNCCCCC', $w, $h, 8, pick(2, 6), 0, 0, 0)));
	$out->(png_chunk('tEXt', "Software\0" . pick('GIMP 2.10', 'gnome-screenshot', 'ImageMagick')))
		if rand() < 0.5;
	my $n = $f->{size} - 8 - 25 - 12;
	my $first = 1;
	while ($n > 12) {
		my $k = $n - 12 > 65536 ? 65536 : $n - 12;
		my $d = rbytes($k);
		substr($d, 0, 2) = "\x78\x9c" if $first && $k >= 2;
		$first = 0;
		$out->(png_chunk('IDAT', $d));
		$n -= $k + 12;
	}
	$out->(png_chunk('IEND', ''));
};

$GEN{gif} = sub {
	my ($f, $out) = @_;
	my ($w, $h) = (1 + int rand 800, 1 + int rand 600);
	$out->('GIF89a' . pack('vvCCC', $w, $h, 0xf7, 0, 0) . rbytes(768) .
		"\x2c" . pack('vvvvC', 0, 0, $w, $h, 0) . "\x08");
	my $n = $f->{size} - 13 - 768 - 11 - 2;
	while ($n > 0) {
		my $k = $n > 255 ? 255 : $n;
		$out->(pack('C', $k) . rbytes($k));
		$n -= $k + 1;
	}
	$out->("\x00\x3b");
};

$GEN{pdf} = sub {
	my ($f, $out) = @_;
	my $pos = 0;
	my $put = sub { $out->($_[0]); $pos += length $_[0] };
	my @obj = (
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		undef,		# the content stream
		sprintf("<< /Producer (%s) /Title (%s) /CreationDate (D:%s) >>",
			pick('LibreOffice 7.4', 'Microsoft Word 2016', 'pdfTeX-1.40.24', 'SANE'),
			ucfirst(words(4)), ts_iso($f->{mtime}) =~ s/[-:T]//gr),
	);
	$put->('%PDF-' . pick(qw(1.3 1.4 1.5 1.6 1.7)) . "\n%\xe2\xe3\xcf\xd3\n");
	my @off;
	for my $i (0 .. $#obj) {
		push @off, $pos;
		my $id = $i + 1;
		if (defined $obj[$i]) {
			$put->("$id 0 obj\n$obj[$i]\nendobj\n");
			next;
		}
		my $n = $f->{size} > 1000 ? $f->{size} - 900 : 100;
		$put->("$id 0 obj\n<< /Length $n /Filter /FlateDecode >>\nstream\n");
		fill_random($out, $n);
		$pos += $n;
		$put->("\nendstream\nendobj\n");
	}
	my $xref = $pos;
	my $s = "xref\n0 " . (@obj + 1) . "\n0000000000 65535 f \n";
	$s .= sprintf("%010d 00000 n \n", $_) for @off;
	$s .= "trailer\n<< /Size " . (@obj + 1) . " /Root 1 0 R /Info 5 0 R >>\n" .
		"startxref\n$xref\n%%EOF\n";
	$put->($s);
};

$GEN{zip} = sub {
	my ($f, $out) = @_;
	my $buf;
	my @members;
	if ($f->{path} =~ /\.docx$/) {
		@members = (['[Content_Types].xml', lines('xml', 600)],
			['_rels/.rels', lines('xml', 300)],
			['word/document.xml', lines('xml', 4000)]);
	} elsif ($f->{path} =~ /\.xlsx$/) {
		@members = (['[Content_Types].xml', lines('xml', 600)],
			['_rels/.rels', lines('xml', 300)],
			['xl/workbook.xml', lines('xml', 2000)]);
	} elsif ($f->{path} =~ /\.jar$/) {
		@members = (['META-INF/MANIFEST.MF', "Manifest-Version: 1.0\r\nCreated-By: 17 (Eclipse Adoptium)\r\n\r\n"],
			map { ["com/example/" . word() . "/" . ucfirst(word()) . ".class",
				"\xca\xfe\xba\xbe\x00\x00\x00\x3d" . rbytes(200 + int rand 3000)] } 1 .. 3);
	} else {
		@members = map { [word() . "/" . word() . "-$_.txt", lines('txt', 500 + int rand 3000)] } 1 .. 2;
	}
	my $n = $f->{size} - 2000;
	push @members, ['media/' . word() . '.bin', '', $n] if $n > 0;
	my $z;
	for my $m (@members) {
		my ($name, $data, $rnd) = @$m;
		my @opt = (Name => $name, Minimal => 1, Time => $f->{mtime},
			Method => $rnd ? ZIP_CM_STORE : ZIP_CM_DEFLATE);
		if ($z) {
			$z->newStream(@opt);
		} else {
			$z = IO::Compress::Zip->new(\$buf, @opt)
				or die "$0: zip: $ZipError\n";
		}
		$z->print($rnd ? rbytes($rnd) : $data);
	}
	$z->close;
	$out->($buf);
};

# gzip with stored (uncompressed) deflate blocks: a valid stream of any
# size at no compression cost.
sub gzip_stored {
	my ($out, $name, $mtime, $n) = @_;
	$out->("\x1f\x8b\x08\x08" . pack('V', $mtime) . "\x00\x03" . "$name\0");
	my $crc = crc32('');
	my $left = $n;
	do {
		my $k = $left > 65535 ? 65535 : $left;
		my $d = rbytes($k);
		$crc = crc32($d, $crc);
		$left -= $k;
		$out->(pack('Cvv', $left ? 0 : 1, $k, ~$k & 0xffff) . $d);
	} while ($left > 0);
	$out->(pack('VV', $crc, $n & 0xffffffff));
}

$GEN{gz} = sub {
	my ($f, $out) = @_;
	(my $inner = $f->{path}) =~ s{^.*/|\.gz$}{}g;
	if ($f->{path} =~ /\.log\.\d+\.gz$/ && $f->{size} < 256 * KiB) {
		my $buf;
		gzip(\lines(pick(qw(syslog access applog)), 4 * $f->{size}) => \$buf,
			Name => $inner, Time => $f->{mtime}, Level => 6, Minimal => 0)
			or die "$0: gzip: $GzipError\n";
		$out->($buf);
		return;
	}
	gzip_stored($out, $inner, $f->{mtime}, $f->{size} > 40 ? $f->{size} - 40 : 1);
};

# ELF64 x86-64: header, program headers (PHDR, INTERP for executables,
# LOAD, NOTE with a GNU build id, GNU_STACK), keystream text, section
# headers (with .symtab in about half: "not stripped").
$GEN{elf} = sub {
	my ($f, $out) = @_;
	my $so = $f->{path} =~ /\.so\b/;
	my $obj = $f->{path} =~ /\.o$/;
	my $interp = "/lib64/ld-linux-x86-64.so.2\0";
	my @ph;
	my $phoff = 64;
	my $nph = $so ? 4 : 5;
	$nph = 0 if $obj;
	my $iof = $phoff + 56 * $nph;
	my $nof = $iof + ($so ? 0 : length $interp);
	$nof += (8 - $nof % 8) % 8;
	my $note = pack('VVV', 4, 20, 3) . "GNU\0" . rbytes(20);
	my $tof = $nof + length $note;
	my $shstr = "\0.text\0.shstrtab\0.symtab\0.note.gnu.build-id\0";
	my $tsz = $f->{size} - $tof - length($shstr) - 5 * 64;
	$tsz = 256 if $tsz < 256;
	my $symtab = rand() < 0.5;
	my $sof = $tof + $tsz + length $shstr;
	$sof += (8 - $sof % 8) % 8;
	my $base = $so ? 0 : 0x400000;
	unless ($obj) {
		push @ph, [6, 4, $phoff, 56 * $nph];			# PT_PHDR
		push @ph, [3, 4, $iof, length $interp] unless $so;	# PT_INTERP
		push @ph, [1, 5, 0, $tof + $tsz];			# PT_LOAD
		push @ph, [4, 4, $nof, length $note];			# PT_NOTE
		push @ph, [0x6474e551, 6, 0, 0];			# PT_GNU_STACK
	}
	my @sh = ([0, 0, 0, 0, 0],
		[1, 1, 6, $tof, $tsz],					# .text
		[7, 3, 0, $tof + $tsz, length $shstr],			# .shstrtab
		[25, 7, 2, $nof, length $note]);			# .note.gnu.build-id
	push @sh, [17, 2, 0, $tof, 0] if $symtab;			# .symtab
	my $s = "\x7fELF\x02\x01\x01\x00" . "\0" x 8 .
		pack('vvVQ<Q<Q<Vvvvvvv', $obj ? 1 : $so ? 3 : 2, 62, 1,
			$obj || $so ? 0 : $base + $tof, $nph ? $phoff : 0, $sof,
			0, 64, 56, $nph, 64, scalar @sh, 2);
	for my $p (@ph) {
		my ($type, $flags, $off, $sz) = @$p;
		$s .= pack('VVQ<Q<Q<Q<Q<Q<', $type, $flags, $off, $base + $off,
			$base + $off, $sz, $sz, $type == 1 ? 0x1000 : 8);
	}
	$s .= $interp unless $so || $obj;
	$s .= "\0" x ($nof - length $s);
	$s .= $note;
	$out->($s);
	fill_random($out, $tsz);
	$out->($shstr . "\0" x ($sof - $tof - $tsz - length $shstr));
	for my $x (@sh) {
		my ($name, $type, $flags, $off, $sz) = @$x;
		$out->(pack('VVQ<Q<Q<Q<VVQ<Q<', $name, $type, $flags,
			$flags ? $base + $off : 0, $off, $sz,
			$type == 2 ? 2 : 0, 0, $type == 2 ? 8 : 1, $type == 2 ? 24 : 0));
	}
};

# PE32+ x86-64: MZ header and stub, COFF header, optional header, three
# section headers, keystream sections.
$GEN{pe} = sub {
	my ($f, $out) = @_;
	my $dll = $f->{path} =~ /\.dll$/;
	my $raw = $f->{size} - 0x400;
	$raw = 0x200 if $raw < 0x200;
	$raw -= $raw % 0x200;
	my @sec = ([".text", int($raw * 0.6)], [".rdata", int($raw * 0.3)]);
	$_->[1] -= $_->[1] % 0x200 for @sec;
	push @sec, [".data", $raw - $sec[0][1] - $sec[1][1]];
	my $s = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" .
		"\xb8" . "\0" x 7 . "\x40" . "\0" x 35 . pack('V', 0x80) .
		"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21" .
		"This program cannot be run in DOS mode.\r\r\n\$";
	$s .= "\0" x (0x80 - length $s);
	$s .= "PE\0\0" . pack('vvVVVvv', 0x8664, 3, $f->{mtime}, 0, 0, 240,
		$dll ? 0x2022 : 0x22);
	$s .= pack('vCCVVVVVQ<VVvvvvvvVVVVvvQ<Q<Q<Q<VV', 0x20b, 14, 29,
		$sec[0][1], $raw - $sec[0][1], 0, 0x1000, 0x1000,
		$dll ? 6 << 30 : 5 << 30, 0x1000, 0x200, 6, 0, 0, 0, 6, 0,
		0, 0x1000 * (2 + int($raw / 0x1000)) + 0x3000, 0x400, 0,
		$f->{path} =~ /setup/ ? 2 : 3, 0x8160,
		0x100000, 0x1000, 0x100000, 0x1000, 0, 16) . "\0" x 128;
	my ($va, $ptr) = (0x1000, 0x400);
	for my $x (@sec) {
		my ($name, $sz) = @$x;
		$s .= pack('a8VVVVVVvvV', $name, $sz, $va, $sz, $ptr, 0, 0, 0, 0,
			$name eq '.text' ? 0x60000020 : $name eq '.data' ? 0xc0000040 : 0x40000040);
		$va += 0x1000 * (1 + int($sz / 0x1000));
		$ptr += $sz;
	}
	$s .= "\0" x (0x400 - length $s);
	$out->($s);
	fill_random($out, $raw);
};

$GEN{mp3} = sub {
	my ($f, $out) = @_;
	my $frame = sub { my ($id, $t) = @_; my $d = "\x03$t";
		$id . pack('N', length $d) . "\0\0" . $d };
	my $tag = $frame->('TIT2', ucfirst words(3)) . $frame->('TPE1', ucfirst words(2)) .
		$frame->('TALB', ucfirst words(2)) . $frame->('TRCK', 1 + int rand 15);
	$tag .= "\0" x 64;	# padding
	my $n = length $tag;
	my $ss = pack('C4', ($n >> 21) & 0x7f, ($n >> 14) & 0x7f, ($n >> 7) & 0x7f, $n & 0x7f);
	$out->("ID3\x04\x00\x00" . $ss . $tag);
	my $left = $f->{size} - 10 - $n;
	while ($left > 0) {	# 417-byte 128 kbit/s 44.1 kHz joint stereo frames
		my $k = $left > 417 * 256 ? 417 * 256 : $left;
		my $d = rbytes($k);
		for (my $i = 0; $i + 4 <= $k; $i += 417) {
			substr($d, $i, 4) = "\xff\xfb\x90\x64";
		}
		$out->($d);
		$left -= $k;
	}
};

$GEN{data} = sub {
	my ($f, $out) = @_;
	fill_random($out, $f->{size});
};

$GEN{empty} = sub { };

$GEN{diskimg} = sub {	# a raw disk: MBR with one Linux partition
	my ($f, $out) = @_;
	my $sectors = int($f->{size} / 512);
	$out->(rbytes(440) . pack('V', 0x5b0e1a2c) . "\0\0" .
		pack('CCCCCCCCVV', 0x80, 0x20, 0x21, 0x00, 0x83, 0xfe, 0xff, 0xff,
			2048, $sectors - 2048) . "\0" x 48 . "\x55\xaa");
	fill_random($out, $f->{size} - 512);
};

$GEN{mp4} = sub {	# ISO base media: ftyp, then one big mdat
	my ($f, $out) = @_;
	$out->(pack('N', 32) . 'ftypisom' . pack('N', 0x200) . 'isomiso2avc1mp41' .
		pack('N', $f->{size} - 32) . 'mdat');
	fill_random($out, $f->{size} - 40);
};

$GEN{biggz} = sub {
	my ($f, $out) = @_;
	(my $inner = $f->{path}) =~ s{^.*/|\.gz$}{}g;
	gzip_stored($out, $inner, $f->{mtime}, $f->{size} - 80);
};

# sqlite: the sqlite3 shell builds the database from generated SQL; rows
# come from a recursive CTE over deterministic expressions.
my $LOREM = join ' ', map { word() } 1 .. 400;
my @SCHEMA = (
	['moz_places', 'CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT, visit_count INTEGER, last_visit_date INTEGER);' .
		'CREATE INDEX moz_places_url ON moz_places(url);',
	 "INSERT INTO moz_places SELECT x, printf('https://%s.example.com/%d/%s', substr(l, 1 + (x * 7) % 300, 6), x * 31 % 9973, substr(l, 1 + (x * 13) % 300, 12)), substr(l, 1 + (x * 17) % 300, 20 + x % 40), x % 97, 1600000000000000 + x * 7919000 FROM c"],
	['messages', 'CREATE TABLE messages (id INTEGER PRIMARY KEY, thread INTEGER, sender TEXT, ts INTEGER, body TEXT);',
	 "INSERT INTO messages SELECT x, x % 53, substr(l, 1 + (x * 11) % 300, 8), 1577836800 + x * 613, substr(l, 1 + (x * 37) % 1500, 30 + (x * 7) % 200) FROM c"],
	['contacts', 'CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT, phone TEXT, note TEXT);',
	 "INSERT INTO contacts SELECT x, substr(l, 1 + (x * 3) % 300, 14), printf('%s\@example.org', substr(l, 1 + (x * 5) % 300, 7)), printf('+1-555-%04d', x % 10000), substr(l, 1 + (x * 19) % 1200, 10 + x % 80) FROM c"],
);

sub make_sqlite {
	my ($f, $full) = @_;
	my $sc = pick(@SCHEMA);
	my $rows = int($f->{size} / 110) + 10;
	open(my $sq, '|-', 'sqlite3', $full) or die "$0: sqlite3: $!\n";
	print $sq ".output /dev/null\nPRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\nBEGIN;\n$sc->[1]\n" .
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $rows), " .
		"t(l) AS (SELECT '$LOREM') " .
		"$sc->[2], t;\nCOMMIT;\n";
	close $sq or die "$0: sqlite3 failed on $full\n";
}

# ------------------------------------------------------------------ write

mkdir $ROOT or die "$0: mkdir $ROOT: $!\n";
for my $d (sort keys %dirs) {
	mkdir "$ROOT/$d" or die "$0: mkdir $ROOT/$d: $!\n";
}

open(my $man, '>', $MANIFEST) or die "$0: $MANIFEST: $!\n";
my $bytes = 0;
for my $f (@files) {
	my $full = "$ROOT/$f->{path}";
	my $md5 = Digest::MD5->new;
	if ($f->{type} eq 'sqlite') {
		make_sqlite($f, $full);
		open(my $in, '<:raw', $full) or die "$0: $full: $!\n";
		$md5->addfile($in);
		close $in;
	} else {
		open(my $fh, '>:raw', $full) or die "$0: $full: $!\n";
		my $out = sub {
			print {$fh} $_[0] or die "$0: write $full: $!\n";
			$md5->add($_[0]);
		};
		$GEN{$f->{type}}->($f, $out);
		close $fh or die "$0: close $full: $!\n";
	}
	$bytes += -s $full;
	utime $f->{atime}, $f->{mtime}, $full or die "$0: utime $full: $!\n";
	print {$man} $md5->hexdigest, "  $f->{path}\n";
}
for my $l (@links) {
	symlink $l->{target}, "$ROOT/$l->{path}"
		or die "$0: symlink $ROOT/$l->{path}: $!\n";
}
close $man or die "$0: $MANIFEST: $!\n";

# Directory times last (writing into a directory changes its mtime),
# deepest first. Symlink times cannot be set from core perl; mkcorpus.sh
# does them with touch -h.
for my $d (sort { length $b <=> length $a || $a cmp $b } keys %dirs) {
	my $t = $T0 + int rand $TSPAN;
	utime $t, $t, "$ROOT/$d" or die "$0: utime $ROOT/$d: $!\n";
}
utime $T0 + $TSPAN, $T0 + $TSPAN, $ROOT;

close $KS;	# openssl dies of SIGPIPE; that is expected

printf "files=%d symlinks=%d dirs=%d bytes=%d\n", scalar @files,
	scalar @links, scalar(keys %dirs) + 1, $bytes;
