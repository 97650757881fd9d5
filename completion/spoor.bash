# bash completion for spoor and its tools (spoor-files, spoor-case, ...).
# Installed once per command name under share/bash-completion/completions.
# Options are read from each tool's --help, so they never go stale.

_spoor_tools="acquire artifacts case files hashdb key report verify"

_spoor_subcommands()
{
	case $1 in
	spoor-case) echo "init add tag records show custody identities similar" ;;
	spoor-hashdb) echo "build import merge info lookup" ;;
	spoor-key) echo "init-ca new issue recipient fingerprint" ;;
	spoor-report) echo "disclose timestamp-request attach-timestamp pack" ;;
	esac
}

_spoor_options()
{
	"$1" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*=?' | sort -u
}

_spoor_tool()
{
	local cur prev tool=$1 subs
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	subs=$(_spoor_subcommands "$tool")
	if [ -n "$subs" ] && [ "$COMP_CWORD" -eq 1 ] && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
		return
	fi
	case $prev in
	--format) mapfile -t COMPREPLY < <(compgen -W \
			"jsonl csv dfxml bodyfile text e01 raw" -- "$cur")
		return ;;
	--lang) mapfile -t COMPREPLY < <(compgen -W "nl en" -- "$cur")
		return ;;
	--type) mapfile -t COMPREPLY < <(compgen -W \
			"message contact call account participant attachment file" -- "$cur")
		return ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_spoor_options "$tool")" \
			-- "$cur")
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	compopt -o filenames
}

_spoor()
{
	local cmd=${COMP_WORDS[0]##*/}
	if [ "$cmd" = spoor ]; then
		if [ "$COMP_CWORD" -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W \
				"$_spoor_tools --help --version" \
				-- "${COMP_WORDS[1]}")
			return
		fi
		# spoor TOOL ...: complete as spoor-TOOL with the words shifted
		COMP_WORDS=("spoor-${COMP_WORDS[1]}" "${COMP_WORDS[@]:2}")
		COMP_CWORD=$((COMP_CWORD - 1))
		cmd=${COMP_WORDS[0]}
	fi
	_spoor_tool "$cmd"
}

complete -F _spoor spoor spoor-acquire spoor-artifacts spoor-case \
	spoor-files spoor-hashdb spoor-key spoor-report spoor-verify
