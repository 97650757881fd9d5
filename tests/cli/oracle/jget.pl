#!/usr/bin/perl
# tests/cli/oracle/jget.pl FILE.jsonl PATH FIELD: print FIELD of the record
# whose "path" is PATH (the allocated one when there are several), as
# JSON scalars print: true, false, null, a number or the bare string.
# Prints "absent" when the record has no such field and "no-record" when
# no record has that path; exits 0 either way (the test compares the word).
# Lines that are not JSON are skipped (compare.pl reports them).
use strict;
use warnings;
use JSON::PP;
use Encode ();

@ARGV == 3 or die "usage: $0 FILE.jsonl PATH FIELD\n";
my ($file, $path, $field) = @ARGV;
$path = Encode::decode('UTF-8', $path);
my $json = JSON::PP->new->utf8;
open(my $fh, '<:raw', $file) or die "$0: cannot open '$file': $!\n";
my $found;
while (my $line = <$fh>) {
	my $r = eval { $json->decode($line) } or next;
	next unless ref $r eq 'HASH' && defined $r->{path} && $r->{path} eq $path;
	$found = $r if !$found || ($r->{allocated} && !$found->{allocated});
}
binmode(STDOUT, ':utf8');
if (!$found) {
	print "no-record\n";
} elsif (!exists $found->{$field}) {
	print "absent\n";
} else {
	my $v = $found->{$field};
	print !defined $v ? 'null'
	    : JSON::PP::is_bool($v) ? ($v ? 'true' : 'false')
	    : ref $v ? JSON::PP->new->canonical->encode($v)
	    : $v, "\n";
}
