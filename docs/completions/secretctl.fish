# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_secretctl_global_optspecs
    string join \n json follow-symlinks h/help V/version
end

function __fish_secretctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_secretctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_secretctl_using_subcommand
    set -l cmd (__fish_secretctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c secretctl -n "__fish_secretctl_needs_command" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_needs_command" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_needs_command" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "init" -d 'Create an instance directory with a .env where every declared secret is generated'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "env" -d 'Read and edit a Docker Compose .env file without losing a byte of it'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "key" -d 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "secret" -d 'Store and read secrets in the encrypted secret store'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "name" -d 'Versioned secret names (name_vN) and Docker Swarm name rules'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "generate" -d 'Print one freshly generated secret value'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "check" -d 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "gitops" -d 'Keep encrypted vars files in a git repository (SOPS format, age recipients)'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "export" -d 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "completions" -d 'Print shell completions for SHELL'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "__generate" -d 'Generate man pages or completion files (used by `cargo xtask man | completions`)'
complete -c secretctl -n "__fish_secretctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -l env-file -d 'Values already given (like `canasta create -e`): copied into the new .env and kept; only the declared secrets it lacks are generated' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand init" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "list" -d 'List the keys in file order; with --json, the values Docker Compose computes for them'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "get" -d 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "set" -d 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value\'s bytes change'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "unset" -d 'Remove every assignment of KEY'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "rename" -d 'Rename KEY to NEW_KEY, keeping its value and layout'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "rotate" -d 'Replace KEY\'s value with a freshly generated one (from the schema\'s generator)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and not __fish_seen_subcommand_from list get set unset rename rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -l use-environment -d 'Interpolate against this process\'s environment first, as `docker compose` does (default: only the keys defined earlier in the file)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l raw -d 'Print the value as written (quotes and escapes removed), without interpolating `$VAR` references'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l use-environment -d 'Interpolate against this process\'s environment first, as `docker compose` does'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l from-file -d 'Read the value from this file (a single trailing newline is dropped)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l generate -d 'Generate the value with the schema\'s generator for KEY'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l new-version -d 'For a versioned KEY: add the value as its next version (KEY_V<N+1>) and move its pointer'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l force -d 'Change a one-shot key that has a value, or a key the pods of a Kubernetes instance read from a Secret'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l file -d 'The .env file; its instance\'s schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l force -d 'Rotate a one-shot key even though rotating it breaks something (the schema says what), or a key the pods of a Kubernetes instance read from a Secret'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the keys in file order; with --json, the values Docker Compose computes for them'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value\'s bytes change'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove every assignment of KEY'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename KEY to NEW_KEY, keeping its value and layout'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace KEY\'s value with a freshly generated one (from the schema\'s generator)'
complete -c secretctl -n "__fish_secretctl_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "init" -d 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "id" -d 'Print the active key\'s id (a keyed derivation of the key; safe to share)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "list" -d 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "backup" -d 'Write an age-encrypted backup of the active key to stdout or --output'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "restore" -d 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "rotate" -d 'Make a new key active and re-encrypt the store under it'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "retire" -d 'Remove a retired key once nothing references it'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and not __fish_seen_subcommand_from init id list backup restore rotate retire help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from id" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -s r -l recipient -d 'Encrypt to this age X25519 recipient (age1...); repeat for several' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -s R -l recipients-file -d 'Encrypt to recipients listed in FILE, one per line (`#` comments allowed)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l passphrase-file -d 'Encrypt to the passphrase in FILE (a trailing newline is ignored)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -s o -l output -d 'Write the backup to FILE (created new, mode 0600) instead of stdout' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l passphrase -d 'Encrypt to a passphrase, prompted twice on the terminal'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l binary -d 'Write the binary age format instead of ASCII armor (requires --output or a non-terminal stdout)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l raw-base64 -d 'Print the key as plain base64 instead of an encrypted backup. Anyone who sees it has the key'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -s i -l identity -d 'Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l passphrase-file -d 'Decrypt an age passphrase backup with the passphrase in FILE' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l expect-id -d 'Refuse the backup unless it holds the key with this id (as printed by `secretctl key id`)' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l passphrase -d 'Decrypt an age passphrase backup, prompting for the passphrase on the terminal'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l base64 -d 'The backup is a raw base64 export (`key backup --raw-base64`)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l force -d 'Make the restored key active even if the keyfile holds a different key (which is kept as retired)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l batch-size -d 'Rows re-encrypted per transaction' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l resume -d 'Only finish an interrupted rotation; never create a new key'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from retire" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "id" -d 'Print the active key\'s id (a keyed derivation of the key; safe to share)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Write an age-encrypted backup of the active key to stdout or --output'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Make a new key active and re-encrypt the store under it'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "retire" -d 'Remove a retired key once nothing references it'
complete -c secretctl -n "__fish_secretctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "put" -d 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "get" -d 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "list" -d 'List owners, names, versions and key ids (nothing is decrypted)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "rm" -d 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "history" -d 'List the versions of OWNER/NAME with their key ids and creation times'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "migrate" -d 'Upgrade a store written by an older secretctl to this build\'s schema (reads refuse it until then)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "audit" -d 'Show the audit log: who did what to which secret, and when (never a value)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and not __fish_seen_subcommand_from put get list rm history migrate audit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l from-file -d 'Read the value from this file instead of stdin' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l value -d 'The value itself (visible to other users in `ps`; prefer stdin)' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from put" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l version -d 'Which version [default: the latest]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l version -d 'The version to delete' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l all -d 'Delete every version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l limit -d 'Show at most this many of the newest records' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l store -d 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l actor -d 'Who to record in the audit table [default: the OS user]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from audit" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "put" -d 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "list" -d 'List owners, names, versions and key ids (nothing is decrypted)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "history" -d 'List the versions of OWNER/NAME with their key ids and creation times'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Upgrade a store written by an older secretctl to this build\'s schema (reads refuse it until then)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "audit" -d 'Show the audit log: who did what to which secret, and when (never a value)'
complete -c secretctl -n "__fish_secretctl_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -f -a "parse" -d 'Split a versioned name (`<base>_v<N>`) into its base and version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -f -a "next" -d 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -f -a "swarm" -d 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm\'s 64-character limit'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -f -a "stack" -d 'Print the stack name Co-op Cloud derives from an app\'s domain'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and not __fish_seen_subcommand_from parse next swarm stack help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from parse" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from parse" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from parse" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from parse" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from next" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from next" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from next" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from next" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -l stack -d 'The stack name' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -l domain -d 'Derive the stack name from the app\'s domain as Co-op Cloud does (dots become underscores)' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from swarm" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from stack" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from stack" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from stack" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from stack" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from help" -f -a "parse" -d 'Split a versioned name (`<base>_v<N>`) into its base and version'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from help" -f -a "next" -d 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from help" -f -a "swarm" -d 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm\'s 64-character limit'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from help" -f -a "stack" -d 'Print the stack name Co-op Cloud derives from an app\'s domain'
complete -c secretctl -n "__fish_secretctl_using_subcommand name; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand generate" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand generate" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand generate" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand generate" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l env -l file -d 'The .env to check; its schema is the secretctl.toml beside it [default: ./.env]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l instance -d 'The instance directory (its .env and secretctl.toml), instead of --env' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l accept -d 'Accept the current value of a one-shot KEY that changed on purpose (records it again); repeatable' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "init" -d 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "setup" -d 'Register the merge driver, diff textconv and pre-commit check in a clone\'s local git config and hooks (git never takes them from the repository itself)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "push" -d 'Split the host\'s .env into its template and encrypted vars, and commit what changed'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "pull" -d 'Render the host\'s .env from its template, the shared vars and its own vars (written 0600)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "diff" -d 'Which keys changed per host between REV and the working tree; never values unless --show-values'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "merge-driver" -d 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "textconv" -d 'git diff textconv for vars files: key names and ciphertext digests, never values'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "encrypt" -d 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "decrypt" -d 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "check" -d 'Pre-commit check: fail if a secret is staged in plaintext'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "recipients" -d 'Add or remove age recipients across every vars file'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and not __fish_seen_subcommand_from init setup push pull diff merge-driver textconv encrypt decrypt check recipients help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l recipient -d 'An age recipient (age1...) every vars file is encrypted to; repeat for several' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l author-name -d 'Commit author name [default: git config user.name]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l author-email -d 'Commit author email [default: git config user.email]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from setup" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from setup" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from setup" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l host -d 'The host whose .env this is' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l env -d 'The instance\'s .env' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l identity -d 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l author-name -d 'Commit author name [default: git config user.name]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l author-email -d 'Commit author email [default: git config user.email]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l allow-plain -d 'Allow KEY in plaintext after review: a plain value that looks like a credential (recorded in the template for that value), or a key encrypted today that the schema or .sops.yaml now leaves plain; repeatable' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l no-commit -d 'Write the files but do not commit (e.g. to resolve a conflicted merge, then `git add`)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l accept-recipients -d 'Encrypt to the recipients .sops.yaml names even where the host\'s files are encrypted to others'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l host -d 'The host to render' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l out -d 'Where to write the .env' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l identity -d 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l force -d 'Overwrite values of the existing .env that were never pushed (refused otherwise, listing their keys)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -l identity -d 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -l show-values -d 'Decrypt and print the old and new values'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -l identity -d 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from merge-driver" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from textconv" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from textconv" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from textconv" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from textconv" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from textconv" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -l recipient -d 'Recipients [default: those in the repository\'s .sops.yaml]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -l in-place -d 'Replace the file with its encrypted form'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from encrypt" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -l identity -d 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -l in-place -d 'Replace the file with its plaintext (written 0600); refused inside a git working tree'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from decrypt" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -l repo -d 'The gitops repository (any directory inside its working tree)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -f -a "add" -d 'Wrap every vars file\'s data key to more recipients (values unchanged) and commit'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -f -a "remove" -d 'Remove recipients: every vars file they could read gets a new data key; commit'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from recipients" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Register the merge driver, diff textconv and pre-commit check in a clone\'s local git config and hooks (git never takes them from the repository itself)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "push" -d 'Split the host\'s .env into its template and encrypted vars, and commit what changed'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Render the host\'s .env from its template, the shared vars and its own vars (written 0600)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Which keys changed per host between REV and the working tree; never values unless --show-values'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "merge-driver" -d 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "textconv" -d 'git diff textconv for vars files: key names and ciphertext digests, never values'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "encrypt" -d 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "decrypt" -d 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "check" -d 'Pre-commit check: fail if a secret is staged in plaintext'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "recipients" -d 'Add or remove age recipients across every vars file'
complete -c secretctl -n "__fish_secretctl_using_subcommand gitops; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -f -a "k8s" -d 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -f -a "swarm" -d 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -f -a "value" -d 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and not __fish_seen_subcommand_from k8s swarm value help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l instance -d 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema\'s `[instance]` name, else the name of the directory holding the .env]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l env -d 'The instance\'s .env [default: ./.env]; its schema is the secretctl.toml beside it' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l store -d 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -s n -l namespace -d 'The namespace of every Secret [default: the schema\'s `[instance]` namespace, else none, and kubectl applies them to its current namespace]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l secret -d 'Export only the Secret NAME (as named after `{instance}` expansion, e.g. wiki-db-credentials); repeat for several' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -s o -l out -d 'Write the manifests to FILE (created 0600, replaced atomically) instead of standard output' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l age -d 'With --sops: an age recipient (age1...) that can decrypt the Secrets; repeat for several [default: the comma-separated list in SOPS_AGE_RECIPIENTS, as sops reads it]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l out-dir -d 'With --sops: write each Secret to DIR/NAME.yaml, NAME being the Secret\'s name (files 0600; DIR created if missing), instead of one stream, so that `sops -d`, `sops edit` and `sops updatekeys` work on each file' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l sops -d 'Encrypt each Secret in the SOPS format for a gitops controller (Flux, Argo CD + SOPS): only `data` is encrypted (sops\'s `encrypted_regex: ^(data|stringData)$`); apiVersion, kind, metadata and type stay readable. Each Secret is its own YAML document with its own data key and MAC. Needs --age (or SOPS_AGE_RECIPIENTS)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from k8s" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l instance -d 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema\'s `[instance]` name, else the name of the directory holding the .env]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l schema -d 'The instance\'s schema [default: the secretctl.toml beside the .env, when it exists]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l env -d 'The instance\'s .env [default: ./.env]; its schema is the secretctl.toml beside it' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l store -d 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l stack -d 'The stack the secrets belong to [default: derived from DOMAIN in the .env as Co-op Cloud does (`wiki.example.com` → `wiki_example_com`), else from the instance]' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -s o -l out -d 'Write the script to FILE (created 0700, replaced atomically) instead of standard output' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from swarm" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l env -d 'Read the value from this .env (the key `<KEY>_V<N>`)' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l store -d 'Read the value from this store (taken from the environment so that a URL with a password stays off argv)' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l owner -d 'The store owner' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l keyfile -d 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]' -r -F
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l version -d 'The version to write, `v<N>`' -r
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l allow-loose-permissions -d 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from value" -s h -l help -d 'Print help'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "k8s" -d 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "swarm" -d 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "value" -d 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
complete -c secretctl -n "__fish_secretctl_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand completions" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand completions" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand __generate" -l check -d 'Do not write: fail if a file in DIR differs from what would be generated'
complete -c secretctl -n "__fish_secretctl_using_subcommand __generate" -l json -d 'Print machine-readable JSON instead of text for people'
complete -c secretctl -n "__fish_secretctl_using_subcommand __generate" -l follow-symlinks -d 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
complete -c secretctl -n "__fish_secretctl_using_subcommand __generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secretctl -n "__fish_secretctl_using_subcommand __generate" -s V -l version -d 'Print version'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "init" -d 'Create an instance directory with a .env where every declared secret is generated'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "env" -d 'Read and edit a Docker Compose .env file without losing a byte of it'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "key" -d 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "secret" -d 'Store and read secrets in the encrypted secret store'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "name" -d 'Versioned secret names (name_vN) and Docker Swarm name rules'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "generate" -d 'Print one freshly generated secret value'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "check" -d 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "gitops" -d 'Keep encrypted vars files in a git repository (SOPS format, age recipients)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "export" -d 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "completions" -d 'Print shell completions for SHELL'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "__generate" -d 'Generate man pages or completion files (used by `cargo xtask man | completions`)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and not __fish_seen_subcommand_from init env key secret name generate check gitops export completions __generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "list" -d 'List the keys in file order; with --json, the values Docker Compose computes for them'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "get" -d 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "set" -d 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value\'s bytes change'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "unset" -d 'Remove every assignment of KEY'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "rename" -d 'Rename KEY to NEW_KEY, keeping its value and layout'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "rotate" -d 'Replace KEY\'s value with a freshly generated one (from the schema\'s generator)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "init" -d 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "id" -d 'Print the active key\'s id (a keyed derivation of the key; safe to share)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "backup" -d 'Write an age-encrypted backup of the active key to stdout or --output'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "restore" -d 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "rotate" -d 'Make a new key active and re-encrypt the store under it'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "retire" -d 'Remove a retired key once nothing references it'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "put" -d 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "get" -d 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "list" -d 'List owners, names, versions and key ids (nothing is decrypted)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "rm" -d 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "history" -d 'List the versions of OWNER/NAME with their key ids and creation times'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "migrate" -d 'Upgrade a store written by an older secretctl to this build\'s schema (reads refuse it until then)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "audit" -d 'Show the audit log: who did what to which secret, and when (never a value)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from name" -f -a "parse" -d 'Split a versioned name (`<base>_v<N>`) into its base and version'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from name" -f -a "next" -d 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from name" -f -a "swarm" -d 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm\'s 64-character limit'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from name" -f -a "stack" -d 'Print the stack name Co-op Cloud derives from an app\'s domain'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "init" -d 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "setup" -d 'Register the merge driver, diff textconv and pre-commit check in a clone\'s local git config and hooks (git never takes them from the repository itself)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "push" -d 'Split the host\'s .env into its template and encrypted vars, and commit what changed'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "pull" -d 'Render the host\'s .env from its template, the shared vars and its own vars (written 0600)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "diff" -d 'Which keys changed per host between REV and the working tree; never values unless --show-values'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "merge-driver" -d 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "textconv" -d 'git diff textconv for vars files: key names and ciphertext digests, never values'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "encrypt" -d 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "decrypt" -d 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "check" -d 'Pre-commit check: fail if a secret is staged in plaintext'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from gitops" -f -a "recipients" -d 'Add or remove age recipients across every vars file'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "k8s" -d 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "swarm" -d 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
complete -c secretctl -n "__fish_secretctl_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "value" -d 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
