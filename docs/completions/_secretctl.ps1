
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'secretctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'secretctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'secretctl' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create an instance directory with a .env where every declared secret is generated')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Read and edit a Docker Compose .env file without losing a byte of it')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Store and read secrets in the encrypted secret store')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Create the encrypted secret store on purpose (no other command creates one, but a put to the default store)')
            [CompletionResult]::new('name', 'name', [CompletionResultType]::ParameterValue, 'Versioned secret names (name_vN) and Docker Swarm name rules')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print one freshly generated secret value')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed')
            [CompletionResult]::new('gitops', 'gitops', [CompletionResultType]::ParameterValue, 'Keep encrypted vars files in a git repository (SOPS format, age recipients)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bring secrets in from a secrets manager (Vault / OpenBao KV v2) through the instance''s policy')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL')
            [CompletionResult]::new('__generate', '__generate', [CompletionResultType]::ParameterValue, 'Generate man pages or completion files (used by `cargo xtask man | completions`)')
            [CompletionResult]::new('escrow', 'escrow', [CompletionResultType]::ParameterValue, 'Copy an instance''s current secret values to the operator''s `pass` password store')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;init' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Values already given (like `canasta create -e`): copied into the new .env and kept; only the declared secrets it lacks are generated')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Also write every generated value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys in file order; with --json, the values Docker Compose computes for them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove every assignment of KEY')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename KEY to NEW_KEY, keeping its value and layout')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace KEY''s value with a freshly generated one (from the schema''s generator)')
            [CompletionResult]::new('migrate-to-store', 'migrate-to-store', [CompletionResultType]::ParameterValue, 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;env;list' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--use-environment', '--use-environment', [CompletionResultType]::ParameterName, 'Interpolate against this process''s environment first, as `docker compose` does (default: only the keys defined earlier in the file)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;get' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the value as written (quotes and escapes removed), without interpolating `$VAR` references')
            [CompletionResult]::new('--use-environment', '--use-environment', [CompletionResultType]::ParameterName, 'Interpolate against this process''s environment first, as `docker compose` does')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;set' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file (a single trailing newline is dropped)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Generate the value with the schema''s generator for KEY')
            [CompletionResult]::new('--new-version', '--new-version', [CompletionResultType]::ParameterName, 'For a versioned KEY: add the value as its next version (KEY_V<N+1>) and move its pointer')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Change a one-shot key that has a value, or a key the pods of a Kubernetes instance read from a Secret')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;unset' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;rename' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;rotate' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Rotate a one-shot key even though rotating it breaks something (the schema says what), or a key the pods of a Kubernetes instance read from a Secret')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;migrate-to-store' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --file')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;env;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys in file order; with --json, the values Docker Compose computes for them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove every assignment of KEY')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename KEY to NEW_KEY, keeping its value and layout')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace KEY''s value with a freshly generated one (from the schema''s generator)')
            [CompletionResult]::new('migrate-to-store', 'migrate-to-store', [CompletionResultType]::ParameterValue, 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;env;help;list' {
            break
        }
        'secretctl;env;help;get' {
            break
        }
        'secretctl;env;help;set' {
            break
        }
        'secretctl;env;help;unset' {
            break
        }
        'secretctl;env;help;rename' {
            break
        }
        'secretctl;env;help;rotate' {
            break
        }
        'secretctl;env;help;migrate-to-store' {
            break
        }
        'secretctl;env;help;help' {
            break
        }
        'secretctl;key' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Print the active key''s id (a keyed derivation of the key; safe to share)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an age-encrypted backup of the active key to stdout or --output')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key active and re-encrypt the store under it')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Remove a retired key once nothing references it')
            [CompletionResult]::new('rewrap', 'rewrap', [CompletionResultType]::ParameterValue, 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;key;init' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--transit', '--transit', [CompletionResultType]::ParameterName, 'Keep the key only wrapped by this Vault / OpenBao Transit key (VAULT_ADDR/v1/transit/keys/NAME): a random key is encrypted by Transit and only the ciphertext is written; each run unwraps it in memory. The token comes from VAULT_TOKEN (or BAO_TOKEN, or ~/.vault-token)')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;id' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;list' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;backup' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to this age X25519 recipient (age1...); repeat for several')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to this age X25519 recipient (age1...); repeat for several')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Encrypt to recipients listed in FILE, one per line (`#` comments allowed)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Encrypt to recipients listed in FILE, one per line (`#` comments allowed)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Encrypt to the passphrase in FILE (a trailing newline is ignored)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the backup to FILE (created new, mode 0600) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the backup to FILE (created new, mode 0600) instead of stdout')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Encrypt to a passphrase, prompted twice on the terminal')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Write the binary age format instead of ASCII armor (requires --output or a non-terminal stdout)')
            [CompletionResult]::new('--raw-base64', '--raw-base64', [CompletionResultType]::ParameterName, 'Print the key as plain base64 instead of an encrypted backup. Anyone who sees it has the key')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;restore' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Decrypt an age passphrase backup with the passphrase in FILE')
            [CompletionResult]::new('--expect-id', '--expect-id', [CompletionResultType]::ParameterName, 'Refuse the backup unless it holds the key with this id (as printed by `secretctl key id`)')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Decrypt an age passphrase backup, prompting for the passphrase on the terminal')
            [CompletionResult]::new('--base64', '--base64', [CompletionResultType]::ParameterName, 'The backup is a raw base64 export (`key backup --raw-base64`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Make the restored key active even if the keyfile holds a different key (which is kept as retired)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;rotate' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Rows re-encrypted per transaction')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Only finish an interrupted rotation; never create a new key')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;retire' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Retire even when a store the keyring has sealed for cannot be reached (a warning per store)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;rewrap' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;key;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Print the active key''s id (a keyed derivation of the key; safe to share)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an age-encrypted backup of the active key to stdout or --output')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key active and re-encrypt the store under it')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Remove a retired key once nothing references it')
            [CompletionResult]::new('rewrap', 'rewrap', [CompletionResultType]::ParameterValue, 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;key;help;init' {
            break
        }
        'secretctl;key;help;id' {
            break
        }
        'secretctl;key;help;list' {
            break
        }
        'secretctl;key;help;backup' {
            break
        }
        'secretctl;key;help;restore' {
            break
        }
        'secretctl;key;help;rotate' {
            break
        }
        'secretctl;key;help;retire' {
            break
        }
        'secretctl;key;help;rewrap' {
            break
        }
        'secretctl;key;help;help' {
            break
        }
        'secretctl;secret' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of OWNER/NAME (latest version, or --version N) on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List owners, names, versions and key ids (nothing is decrypted)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete one version (--version N) or every version (--all) of OWNER/NAME')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the versions of OWNER/NAME with their key ids and creation times')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;secret;put' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file instead of stdin')
            [CompletionResult]::new('--value', '--value', [CompletionResultType]::ParameterName, 'The value itself (visible to other users in `ps`; prefer stdin)')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;get' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Which version [default: the latest]')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'secretctl;secret;list' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;rm' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'The version to delete')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every version')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'secretctl;secret;history' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;migrate' {
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;audit' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many of the newest matching records')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only records about this owner''s secrets')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Only records about secrets of this name')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only records of this action (put, get, get-miss, rm, rotate, retire, prune, verify, migrate, rekey)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records at or after DATE (YYYY-MM-DD, midnight UTC, or an RFC 3339 time)')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'With --prune: delete the records before DATE (YYYY-MM-DD or RFC 3339)')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check every record''s MAC and place in the chain: exit 3 naming the first missing, altered or reordered one')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Delete the records older than --before, keeping a verifiable checkpoint (the log is verified first)')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The input format')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'The owner of a .env''s secrets; for JSON lines, only this owner''s lines are accepted')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;export' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only this owner''s secrets')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;secret;help' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of OWNER/NAME (latest version, or --version N) on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List owners, names, versions and key ids (nothing is decrypted)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete one version (--version N) or every version (--all) of OWNER/NAME')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the versions of OWNER/NAME with their key ids and creation times')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;secret;help;put' {
            break
        }
        'secretctl;secret;help;get' {
            break
        }
        'secretctl;secret;help;list' {
            break
        }
        'secretctl;secret;help;rm' {
            break
        }
        'secretctl;secret;help;history' {
            break
        }
        'secretctl;secret;help;migrate' {
            break
        }
        'secretctl;secret;help;audit' {
            break
        }
        'secretctl;secret;help;import' {
            break
        }
        'secretctl;secret;help;export' {
            break
        }
        'secretctl;secret;help;help' {
            break
        }
        'secretctl;store' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;store;init' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;store;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;store;help;init' {
            break
        }
        'secretctl;store;help;help' {
            break
        }
        'secretctl;name' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Split a versioned name (`<base>_v<N>`) into its base and version')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit')
            [CompletionResult]::new('stack', 'stack', [CompletionResultType]::ParameterValue, 'Print the stack name Co-op Cloud derives from an app''s domain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;name;parse' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;name;next' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;name;swarm' {
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The stack name')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Derive the stack name from the app''s domain as Co-op Cloud does (dots become underscores)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;name;stack' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;name;help' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Split a versioned name (`<base>_v<N>`) into its base and version')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit')
            [CompletionResult]::new('stack', 'stack', [CompletionResultType]::ParameterValue, 'Print the stack name Co-op Cloud derives from an app''s domain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;name;help;parse' {
            break
        }
        'secretctl;name;help;next' {
            break
        }
        'secretctl;name;help;swarm' {
            break
        }
        'secretctl;name;help;stack' {
            break
        }
        'secretctl;name;help;help' {
            break
        }
        'secretctl;generate' {
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'words: join the words with C (one of -_.:;+=/~^*!@#%& or a space) instead of `-`')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'words: append a random digit, symbol, or both (like pwqgen''s separators)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Also write the value to ENTRY of the `pass` password store (e.g. secretctl/wiki/smtp_password_v1), with `pass insert --multiline --force` and the value on its stdin; nothing is printed when that fails')
            [CompletionResult]::new('--symbols', '--symbols', [CompletionResultType]::ParameterName, 'alnum: add pwgen''s 32 symbols to the letters and digits (like `pwgen -y`)')
            [CompletionResult]::new('--no-ambiguous', '--no-ambiguous', [CompletionResultType]::ParameterName, 'alnum: leave out characters easily mistaken for one another, B8G6I1l0OQDS5Z2 (like `pwgen -B`)')
            [CompletionResult]::new('--capitalize', '--capitalize', [CompletionResultType]::ParameterName, 'words: start each word with a capital letter')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;check' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The .env to check; its schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The .env to check; its schema is the secretctl.toml beside it [default: ./.env]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml), instead of --env')
            [CompletionResult]::new('--accept', '--accept', [CompletionResultType]::ParameterName, 'Accept the current value of a one-shot KEY that changed on purpose (records it again); repeatable')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Split the host''s .env into its template and encrypted vars, and commit what changed')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Which keys changed per host between REV and the working tree; never values unless --show-values')
            [CompletionResult]::new('merge-driver', 'merge-driver', [CompletionResultType]::ParameterValue, 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'git diff textconv for vars files: key names and ciphertext digests, never values')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt one file as `sops -e` does (to stdout, or --in-place)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt one file as `sops -d` does (to stdout, or --in-place)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Pre-commit check: fail if a secret is staged in plaintext')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'Add or remove age recipients across every vars file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;gitops;init' {
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'An age recipient (age1...) every vars file is encrypted to; repeat for several')
            [CompletionResult]::new('--author-name', '--author-name', [CompletionResultType]::ParameterName, 'Commit author name [default: git config user.name]')
            [CompletionResult]::new('--author-email', '--author-email', [CompletionResultType]::ParameterName, 'Commit author email [default: git config user.email]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;setup' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;push' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The host whose .env this is')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--author-name', '--author-name', [CompletionResultType]::ParameterName, 'Commit author name [default: git config user.name]')
            [CompletionResult]::new('--author-email', '--author-email', [CompletionResultType]::ParameterName, 'Commit author email [default: git config user.email]')
            [CompletionResult]::new('--allow-plain', '--allow-plain', [CompletionResultType]::ParameterName, 'Allow KEY in plaintext after review: a plain value that looks like a credential (recorded in the template for that value), or a key encrypted today that the schema or .sops.yaml now leaves plain; repeatable')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files but do not commit (e.g. to resolve a conflicted merge, then `git add`)')
            [CompletionResult]::new('--accept-recipients', '--accept-recipients', [CompletionResultType]::ParameterName, 'Encrypt to the recipients .sops.yaml names even where the host''s files are encrypted to others')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;pull' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The host to render')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the .env')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite values of the existing .env that were never pushed (refused otherwise, listing their keys)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;diff' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--show-values', '--show-values', [CompletionResultType]::ParameterName, 'Decrypt and print the old and new values')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;merge-driver' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;textconv' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;encrypt' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format: yaml, json, dotenv, ini or binary [default: from its extension, as sops does: .yaml/.yml, .json, .env, .ini, anything else binary]')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'The format to write [default: the input''s]')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Recipients [default, without --hc-vault-transit: those in the repository''s .sops.yaml]')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'A Vault / OpenBao Transit key that also wraps the data key, as sops''s --hc-vault-transit (https://HOST:8200/v1/MOUNT/keys/NAME); repeat or separate with commas. The token comes from VAULT_TOKEN, BAO_TOKEN or ~/.vault-token')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the file with its encrypted form')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;decrypt' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format: yaml, json, dotenv, ini or binary [default: from its extension, as sops does: .yaml/.yml, .json, .env, .ini, anything else binary]')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'The format to write [default: the input''s]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the file with its plaintext (written 0600); refused inside a git working tree')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;check' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;updatekeys' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;recipients' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Wrap every vars file''s data key to more recipients (values unchanged) and commit')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove recipients: every vars file they could read gets a new data key; commit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;gitops;recipients;add' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--author-name', '--author-name', [CompletionResultType]::ParameterName, 'Commit author name [default: git config user.name]')
            [CompletionResult]::new('--author-email', '--author-email', [CompletionResultType]::ParameterName, 'Commit author email [default: git config user.email]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;recipients;remove' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]')
            [CompletionResult]::new('--author-name', '--author-name', [CompletionResultType]::ParameterName, 'Commit author name [default: git config user.name]')
            [CompletionResult]::new('--author-email', '--author-email', [CompletionResultType]::ParameterName, 'Commit author email [default: git config user.email]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The gitops repository (any directory inside its working tree)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;gitops;recipients;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Wrap every vars file''s data key to more recipients (values unchanged) and commit')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove recipients: every vars file they could read gets a new data key; commit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;gitops;recipients;help;add' {
            break
        }
        'secretctl;gitops;recipients;help;remove' {
            break
        }
        'secretctl;gitops;recipients;help;help' {
            break
        }
        'secretctl;gitops;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Split the host''s .env into its template and encrypted vars, and commit what changed')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Which keys changed per host between REV and the working tree; never values unless --show-values')
            [CompletionResult]::new('merge-driver', 'merge-driver', [CompletionResultType]::ParameterValue, 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'git diff textconv for vars files: key names and ciphertext digests, never values')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt one file as `sops -e` does (to stdout, or --in-place)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt one file as `sops -d` does (to stdout, or --in-place)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Pre-commit check: fail if a secret is staged in plaintext')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'Add or remove age recipients across every vars file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;gitops;help;init' {
            break
        }
        'secretctl;gitops;help;setup' {
            break
        }
        'secretctl;gitops;help;push' {
            break
        }
        'secretctl;gitops;help;pull' {
            break
        }
        'secretctl;gitops;help;diff' {
            break
        }
        'secretctl;gitops;help;merge-driver' {
            break
        }
        'secretctl;gitops;help;textconv' {
            break
        }
        'secretctl;gitops;help;encrypt' {
            break
        }
        'secretctl;gitops;help;decrypt' {
            break
        }
        'secretctl;gitops;help;check' {
            break
        }
        'secretctl;gitops;help;updatekeys' {
            break
        }
        'secretctl;gitops;help;recipients' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Wrap every vars file''s data key to more recipients (values unchanged) and commit')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove recipients: every vars file they could read gets a new data key; commit')
            break
        }
        'secretctl;gitops;help;recipients;add' {
            break
        }
        'secretctl;gitops;help;recipients;remove' {
            break
        }
        'secretctl;gitops;help;help' {
            break
        }
        'secretctl;export' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('k8s', 'k8s', [CompletionResultType]::ParameterValue, 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm names of the versioned secrets and a script that creates them')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set')
            [CompletionResult]::new('eso', 'eso', [CompletionResultType]::ParameterValue, 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2')
            [CompletionResult]::new('value', 'value', [CompletionResultType]::ParameterValue, 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;export;k8s' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of every Secret [default: the schema''s `[instance]` namespace, else none, and kubectl applies them to its current namespace]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of every Secret [default: the schema''s `[instance]` namespace, else none, and kubectl applies them to its current namespace]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Export only the Secret NAME (as named after `{instance}` expansion, e.g. wiki-db-credentials); repeat for several')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the manifests to FILE (created 0600, replaced atomically) instead of standard output')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the manifests to FILE (created 0600, replaced atomically) instead of standard output')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'With --sops: an age recipient (age1...) that can decrypt the Secrets; repeat for several [default: the comma-separated list in SOPS_AGE_RECIPIENTS, as sops reads it]')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'With --sops: write each Secret to DIR/NAME.yaml, NAME being the Secret''s name (files 0600; DIR created if missing), instead of one stream, so that `sops -d`, `sops edit` and `sops updatekeys` work on each file')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--sops', '--sops', [CompletionResultType]::ParameterName, 'Encrypt each Secret in the SOPS format for a gitops controller (Flux, Argo CD + SOPS): only `data` is encrypted (sops''s `encrypted_regex: ^(data|stringData)$`); apiVersion, kind, metadata and type stay readable. Each Secret is its own YAML document with its own data key and MAC. Needs --age (or SOPS_AGE_RECIPIENTS)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;export;swarm' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The stack the secrets belong to [default: derived from DOMAIN in the .env as Co-op Cloud does (`wiki.example.com` → `wiki_example_com`), else from the instance]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the script to FILE (created 0700, replaced atomically) instead of standard output')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the script to FILE (created 0700, replaced atomically) instead of standard output')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'The script also removes the other versions of these secrets in the stack (`docker secret rm`), those the .env''s pointers no longer name; never the version in use, nor one a service still uses')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;export;vault' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The KV v2 secret to write: MOUNT/PATH, e.g. secret/myapp/prod')
            [CompletionResult]::new('--cas', '--cas', [CompletionResultType]::ParameterName, 'Write only if the secret''s current version is VERSION (0: only if it does not exist yet) [default: the version read just before writing]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;export;eso' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The KV v2 secret the values are in (as `export vault --path` wrote it): MOUNT/PATH')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of every ExternalSecret (and SecretStore) [default: the schema''s `[instance]` namespace]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of every ExternalSecret (and SecretStore) [default: the schema''s `[instance]` namespace]')
            [CompletionResult]::new('--store-name', '--store-name', [CompletionResultType]::ParameterName, 'The name of the store the ExternalSecrets reference')
            [CompletionResult]::new('--vault-server', '--vault-server', [CompletionResultType]::ParameterName, 'With --with-store: the Vault server ESO talks to [default: VAULT_ADDR]')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'With --with-store: the Vault Kubernetes auth role [default: the instance name]')
            [CompletionResult]::new('--refresh-interval', '--refresh-interval', [CompletionResultType]::ParameterName, 'How often ESO re-reads the values')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--cluster-store', '--cluster-store', [CompletionResultType]::ParameterName, 'Reference (and with --with-store write) a ClusterSecretStore instead of a SecretStore')
            [CompletionResult]::new('--with-store', '--with-store', [CompletionResultType]::ParameterName, 'Also write the SecretStore (or ClusterSecretStore) for Vault KV v2 with Kubernetes auth')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;export;value' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Read the value from this .env (the key `<KEY>_V<N>`)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Read the value from this store (taken from the environment so that a URL with a password stays off argv)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'The store owner')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'The version to write, `v<N>`')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'secretctl;export;help' {
            [CompletionResult]::new('k8s', 'k8s', [CompletionResultType]::ParameterValue, 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm names of the versioned secrets and a script that creates them')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set')
            [CompletionResult]::new('eso', 'eso', [CompletionResultType]::ParameterValue, 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2')
            [CompletionResult]::new('value', 'value', [CompletionResultType]::ParameterValue, 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;export;help;k8s' {
            break
        }
        'secretctl;export;help;swarm' {
            break
        }
        'secretctl;export;help;vault' {
            break
        }
        'secretctl;export;help;eso' {
            break
        }
        'secretctl;export;help;value' {
            break
        }
        'secretctl;export;help;help' {
            break
        }
        'secretctl;import' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;import;vault' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The KV v2 secret to read: MOUNT/PATH, e.g. secret/myapp/prod')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Change one-shot keys and keys the pods of a Kubernetes instance read from a Secret')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;import;help' {
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;import;help;vault' {
            break
        }
        'secretctl;import;help;help' {
            break
        }
        'secretctl;completions' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;__generate' {
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Do not write: fail if a file in DIR differs from what would be generated')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;escrow' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pass', 'pass', [CompletionResultType]::ParameterValue, 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;escrow;pass' {
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'The instance directory (its .env and secretctl.toml)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The instance''s .env [default: ./.env]')
            [CompletionResult]::new('--keyfile', '--keyfile', [CompletionResultType]::ParameterName, 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who to record in the audit table [default: the OS user]')
            [CompletionResult]::new('--allow-loose-permissions', '--allow-loose-permissions', [CompletionResultType]::ParameterName, 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of text for people')
            [CompletionResult]::new('--follow-symlinks', '--follow-symlinks', [CompletionResultType]::ParameterName, 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secretctl;escrow;help' {
            [CompletionResult]::new('pass', 'pass', [CompletionResultType]::ParameterValue, 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;escrow;help;pass' {
            break
        }
        'secretctl;escrow;help;help' {
            break
        }
        'secretctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create an instance directory with a .env where every declared secret is generated')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Read and edit a Docker Compose .env file without losing a byte of it')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Store and read secrets in the encrypted secret store')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Create the encrypted secret store on purpose (no other command creates one, but a put to the default store)')
            [CompletionResult]::new('name', 'name', [CompletionResultType]::ParameterValue, 'Versioned secret names (name_vN) and Docker Swarm name rules')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print one freshly generated secret value')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed')
            [CompletionResult]::new('gitops', 'gitops', [CompletionResultType]::ParameterValue, 'Keep encrypted vars files in a git repository (SOPS format, age recipients)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bring secrets in from a secrets manager (Vault / OpenBao KV v2) through the instance''s policy')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL')
            [CompletionResult]::new('__generate', '__generate', [CompletionResultType]::ParameterValue, 'Generate man pages or completion files (used by `cargo xtask man | completions`)')
            [CompletionResult]::new('escrow', 'escrow', [CompletionResultType]::ParameterValue, 'Copy an instance''s current secret values to the operator''s `pass` password store')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secretctl;help;init' {
            break
        }
        'secretctl;help;env' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys in file order; with --json, the values Docker Compose computes for them')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove every assignment of KEY')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename KEY to NEW_KEY, keeping its value and layout')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace KEY''s value with a freshly generated one (from the schema''s generator)')
            [CompletionResult]::new('migrate-to-store', 'migrate-to-store', [CompletionResultType]::ParameterValue, 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers')
            break
        }
        'secretctl;help;env;list' {
            break
        }
        'secretctl;help;env;get' {
            break
        }
        'secretctl;help;env;set' {
            break
        }
        'secretctl;help;env;unset' {
            break
        }
        'secretctl;help;env;rename' {
            break
        }
        'secretctl;help;env;rotate' {
            break
        }
        'secretctl;help;env;migrate-to-store' {
            break
        }
        'secretctl;help;key' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Print the active key''s id (a keyed derivation of the key; safe to share)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an age-encrypted backup of the active key to stdout or --output')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key active and re-encrypt the store under it')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Remove a retired key once nothing references it')
            [CompletionResult]::new('rewrap', 'rewrap', [CompletionResultType]::ParameterValue, 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version')
            break
        }
        'secretctl;help;key;init' {
            break
        }
        'secretctl;help;key;id' {
            break
        }
        'secretctl;help;key;list' {
            break
        }
        'secretctl;help;key;backup' {
            break
        }
        'secretctl;help;key;restore' {
            break
        }
        'secretctl;help;key;rotate' {
            break
        }
        'secretctl;help;key;retire' {
            break
        }
        'secretctl;help;key;rewrap' {
            break
        }
        'secretctl;help;secret' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of OWNER/NAME (latest version, or --version N) on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List owners, names, versions and key ids (nothing is decrypted)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete one version (--version N) or every version (--all) of OWNER/NAME')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the versions of OWNER/NAME with their key ids and creation times')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout')
            break
        }
        'secretctl;help;secret;put' {
            break
        }
        'secretctl;help;secret;get' {
            break
        }
        'secretctl;help;secret;list' {
            break
        }
        'secretctl;help;secret;rm' {
            break
        }
        'secretctl;help;secret;history' {
            break
        }
        'secretctl;help;secret;migrate' {
            break
        }
        'secretctl;help;secret;audit' {
            break
        }
        'secretctl;help;secret;import' {
            break
        }
        'secretctl;help;secret;export' {
            break
        }
        'secretctl;help;store' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)')
            break
        }
        'secretctl;help;store;init' {
            break
        }
        'secretctl;help;name' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Split a versioned name (`<base>_v<N>`) into its base and version')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit')
            [CompletionResult]::new('stack', 'stack', [CompletionResultType]::ParameterValue, 'Print the stack name Co-op Cloud derives from an app''s domain')
            break
        }
        'secretctl;help;name;parse' {
            break
        }
        'secretctl;help;name;next' {
            break
        }
        'secretctl;help;name;swarm' {
            break
        }
        'secretctl;help;name;stack' {
            break
        }
        'secretctl;help;generate' {
            break
        }
        'secretctl;help;check' {
            break
        }
        'secretctl;help;gitops' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Split the host''s .env into its template and encrypted vars, and commit what changed')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Which keys changed per host between REV and the working tree; never values unless --show-values')
            [CompletionResult]::new('merge-driver', 'merge-driver', [CompletionResultType]::ParameterValue, 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'git diff textconv for vars files: key names and ciphertext digests, never values')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt one file as `sops -e` does (to stdout, or --in-place)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt one file as `sops -d` does (to stdout, or --in-place)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Pre-commit check: fail if a secret is staged in plaintext')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'Add or remove age recipients across every vars file')
            break
        }
        'secretctl;help;gitops;init' {
            break
        }
        'secretctl;help;gitops;setup' {
            break
        }
        'secretctl;help;gitops;push' {
            break
        }
        'secretctl;help;gitops;pull' {
            break
        }
        'secretctl;help;gitops;diff' {
            break
        }
        'secretctl;help;gitops;merge-driver' {
            break
        }
        'secretctl;help;gitops;textconv' {
            break
        }
        'secretctl;help;gitops;encrypt' {
            break
        }
        'secretctl;help;gitops;decrypt' {
            break
        }
        'secretctl;help;gitops;check' {
            break
        }
        'secretctl;help;gitops;updatekeys' {
            break
        }
        'secretctl;help;gitops;recipients' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Wrap every vars file''s data key to more recipients (values unchanged) and commit')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove recipients: every vars file they could read gets a new data key; commit')
            break
        }
        'secretctl;help;gitops;recipients;add' {
            break
        }
        'secretctl;help;gitops;recipients;remove' {
            break
        }
        'secretctl;help;export' {
            [CompletionResult]::new('k8s', 'k8s', [CompletionResultType]::ParameterValue, 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`')
            [CompletionResult]::new('swarm', 'swarm', [CompletionResultType]::ParameterValue, 'Print the Docker Swarm names of the versioned secrets and a script that creates them')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set')
            [CompletionResult]::new('eso', 'eso', [CompletionResultType]::ParameterValue, 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2')
            [CompletionResult]::new('value', 'value', [CompletionResultType]::ParameterValue, 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)')
            break
        }
        'secretctl;help;export;k8s' {
            break
        }
        'secretctl;help;export;swarm' {
            break
        }
        'secretctl;help;export;vault' {
            break
        }
        'secretctl;help;export;eso' {
            break
        }
        'secretctl;help;export;value' {
            break
        }
        'secretctl;help;import' {
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env')
            break
        }
        'secretctl;help;import;vault' {
            break
        }
        'secretctl;help;completions' {
            break
        }
        'secretctl;help;__generate' {
            break
        }
        'secretctl;help;escrow' {
            [CompletionResult]::new('pass', 'pass', [CompletionResultType]::ParameterValue, 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)')
            break
        }
        'secretctl;help;escrow;pass' {
            break
        }
        'secretctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
