// `mamlab completion`: a bash completion script made from the command table (bin/options.ts), so
// it completes exactly the commands and options the parser accepts: the command, then its
// options, the words an option takes (daily|instant), folders after --out and the like, and
// scenario files otherwise. zsh reads it after `autoload -U bashcompinit && bashcompinit`.
import { COMMANDS, type CommandName, OPTIONS, type OptionName } from './options.js';

/** Options that take a folder. */
const FOLDERS: ReadonlySet<OptionName> = new Set(['out', 'dir', 'data-dir', 'work-dir']);

/** The words an option's value may be, when its placeholder lists them (`daily|instant`, `auto|all|none|top:N|ID,…` → auto all none). */
function valueWords(placeholder: string): string[] {
  return placeholder.split('|').filter((w) => /^[a-z][a-z-]*$/.test(w));
}

export function completionScript(): string {
  const names = Object.keys(COMMANDS) as CommandName[];
  const first = [...new Set(names.map((n) => n.split(' ')[0]!))];
  const golden = names.filter((n) => n.startsWith('golden ')).map((n) => n.slice(7));
  const perCommand = names.map((n) => `    ${JSON.stringify(n)}) opts=${JSON.stringify(COMMANDS[n].options.map((o) => `--${o}`).join(' '))} ;;`).join('\n');
  const valued = (Object.keys(OPTIONS) as OptionName[]).filter((o) => OPTIONS[o].value !== undefined);
  const cases = valued.map((o) => {
    if (FOLDERS.has(o)) return `    --${o}) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;`;
    const words = valueWords(OPTIONS[o].value!);
    return words.length ? `    --${o}) COMPREPLY=( $(compgen -W ${JSON.stringify(words.join(' '))} -- "$cur") ); return ;;` : `    --${o}) return ;;`;
  }).join('\n');
  return `# bash completion for mamlab (written by \`mamlab completion\`)
_mamlab() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}" opts=""
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( $(compgen -W ${JSON.stringify(`${first.join(' ')} --help --version`)} -- "$cur") ); return
  fi
  if [[ $cmd == golden ]]; then
    if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=( $(compgen -W ${JSON.stringify(golden.join(' '))} -- "$cur") ); return; fi
    cmd="golden \${COMP_WORDS[2]}"
  fi
  case "$prev" in
${cases}
  esac
  case "$cmd" in
${perCommand}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts --help" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -X '!*.@(json|yaml|yml)' -- "$cur") $(compgen -d -- "$cur") )
  fi
}
complete -o filenames -o bashdefault -F _mamlab mamlab
`;
}
