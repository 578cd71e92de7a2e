
use builtin;
use str;

set edit:completion:arg-completer[secretctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'secretctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'secretctl'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create an instance directory with a .env where every declared secret is generated'
            cand env 'Read and edit a Docker Compose .env file without losing a byte of it'
            cand key 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire'
            cand secret 'Store and read secrets in the encrypted secret store'
            cand store 'Create the encrypted secret store on purpose (no other command creates one, but a put to the default store)'
            cand name 'Versioned secret names (name_vN) and Docker Swarm name rules'
            cand generate 'Print one freshly generated secret value'
            cand check 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed'
            cand gitops 'Keep encrypted vars files in a git repository (SOPS format, age recipients)'
            cand export 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)'
            cand import 'Bring secrets in from a secrets manager (Vault / OpenBao KV v2) through the instance''s policy'
            cand completions 'Print shell completions for SHELL'
            cand __generate 'Generate man pages or completion files (used by `cargo xtask man | completions`)'
            cand escrow 'Copy an instance''s current secret values to the operator''s `pass` password store'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;init'= {
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env-file 'Values already given (like `canasta create -e`): copied into the new .env and kept; only the declared secrets it lacks are generated'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --pass 'Also write every generated value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the keys in file order; with --json, the values Docker Compose computes for them'
            cand get 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
            cand set 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change'
            cand unset 'Remove every assignment of KEY'
            cand rename 'Rename KEY to NEW_KEY, keeping its value and layout'
            cand rotate 'Replace KEY''s value with a freshly generated one (from the schema''s generator)'
            cand migrate-to-store 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;env;list'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --use-environment 'Interpolate against this process''s environment first, as `docker compose` does (default: only the keys defined earlier in the file)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;get'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --raw 'Print the value as written (quotes and escapes removed), without interpolating `$VAR` references'
            cand --use-environment 'Interpolate against this process''s environment first, as `docker compose` does'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;set'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --from-file 'Read the value from this file (a single trailing newline is dropped)'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --generate 'Generate the value with the schema''s generator for KEY'
            cand --new-version 'For a versioned KEY: add the value as its next version (KEY_V<N+1>) and move its pointer'
            cand --force 'Change a one-shot key that has a value, or a key the pods of a Kubernetes instance read from a Secret'
            cand --pass 'Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;unset'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;rename'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;rotate'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --force 'Rotate a one-shot key even though rotating it breaks something (the schema says what), or a key the pods of a Kubernetes instance read from a Secret'
            cand --pass 'Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;migrate-to-store'= {
            cand --file 'The .env file; its instance''s schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --file'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;env;help'= {
            cand list 'List the keys in file order; with --json, the values Docker Compose computes for them'
            cand get 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
            cand set 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change'
            cand unset 'Remove every assignment of KEY'
            cand rename 'Rename KEY to NEW_KEY, keeping its value and layout'
            cand rotate 'Replace KEY''s value with a freshly generated one (from the schema''s generator)'
            cand migrate-to-store 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;env;help;list'= {
        }
        &'secretctl;env;help;get'= {
        }
        &'secretctl;env;help;set'= {
        }
        &'secretctl;env;help;unset'= {
        }
        &'secretctl;env;help;rename'= {
        }
        &'secretctl;env;help;rotate'= {
        }
        &'secretctl;env;help;migrate-to-store'= {
        }
        &'secretctl;env;help;help'= {
        }
        &'secretctl;key'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
            cand id 'Print the active key''s id (a keyed derivation of the key; safe to share)'
            cand list 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
            cand backup 'Write an age-encrypted backup of the active key to stdout or --output'
            cand restore 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
            cand rotate 'Make a new key active and re-encrypt the store under it'
            cand retire 'Remove a retired key once nothing references it'
            cand rewrap 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;key;init'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --transit 'Keep the key only wrapped by this Vault / OpenBao Transit key (VAULT_ADDR/v1/transit/keys/NAME): a random key is encrypted by Transit and only the ciphertext is written; each run unwraps it in memory. The token comes from VAULT_TOKEN (or BAO_TOKEN, or ~/.vault-token)'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;id'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;list'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;backup'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand -r 'Encrypt to this age X25519 recipient (age1...); repeat for several'
            cand --recipient 'Encrypt to this age X25519 recipient (age1...); repeat for several'
            cand -R 'Encrypt to recipients listed in FILE, one per line (`#` comments allowed)'
            cand --recipients-file 'Encrypt to recipients listed in FILE, one per line (`#` comments allowed)'
            cand --passphrase-file 'Encrypt to the passphrase in FILE (a trailing newline is ignored)'
            cand -o 'Write the backup to FILE (created new, mode 0600) instead of stdout'
            cand --output 'Write the backup to FILE (created new, mode 0600) instead of stdout'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --passphrase 'Encrypt to a passphrase, prompted twice on the terminal'
            cand --binary 'Write the binary age format instead of ASCII armor (requires --output or a non-terminal stdout)'
            cand --raw-base64 'Print the key as plain base64 instead of an encrypted backup. Anyone who sees it has the key'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;restore'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand -i 'Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable'
            cand --identity 'Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable'
            cand --passphrase-file 'Decrypt an age passphrase backup with the passphrase in FILE'
            cand --expect-id 'Refuse the backup unless it holds the key with this id (as printed by `secretctl key id`)'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --passphrase 'Decrypt an age passphrase backup, prompting for the passphrase on the terminal'
            cand --base64 'The backup is a raw base64 export (`key backup --raw-base64`)'
            cand --force 'Make the restored key active even if the keyfile holds a different key (which is kept as retired)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;rotate'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --batch-size 'Rows re-encrypted per transaction'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --resume 'Only finish an interrupted rotation; never create a new key'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;retire'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --force 'Retire even when a store the keyring has sealed for cannot be reached (a warning per store)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;rewrap'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;key;help'= {
            cand init 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
            cand id 'Print the active key''s id (a keyed derivation of the key; safe to share)'
            cand list 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
            cand backup 'Write an age-encrypted backup of the active key to stdout or --output'
            cand restore 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
            cand rotate 'Make a new key active and re-encrypt the store under it'
            cand retire 'Remove a retired key once nothing references it'
            cand rewrap 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;key;help;init'= {
        }
        &'secretctl;key;help;id'= {
        }
        &'secretctl;key;help;list'= {
        }
        &'secretctl;key;help;backup'= {
        }
        &'secretctl;key;help;restore'= {
        }
        &'secretctl;key;help;rotate'= {
        }
        &'secretctl;key;help;retire'= {
        }
        &'secretctl;key;help;rewrap'= {
        }
        &'secretctl;key;help;help'= {
        }
        &'secretctl;secret'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand put 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
            cand get 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
            cand list 'List owners, names, versions and key ids (nothing is decrypted)'
            cand rm 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
            cand history 'List the versions of OWNER/NAME with their key ids and creation times'
            cand migrate 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)'
            cand audit 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint'
            cand import 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed'
            cand export 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;secret;put'= {
            cand --from-file 'Read the value from this file instead of stdin'
            cand --value 'The value itself (visible to other users in `ps`; prefer stdin)'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;get'= {
            cand --version 'Which version [default: the latest]'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'secretctl;secret;list'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;rm'= {
            cand --version 'The version to delete'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --all 'Delete every version'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'secretctl;secret;history'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;migrate'= {
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;audit'= {
            cand --limit 'Show at most this many of the newest matching records'
            cand --owner 'Only records about this owner''s secrets'
            cand --name 'Only records about secrets of this name'
            cand --action 'Only records of this action (put, get, get-miss, rm, rotate, retire, prune, verify, migrate, rekey)'
            cand --since 'Only records at or after DATE (YYYY-MM-DD, midnight UTC, or an RFC 3339 time)'
            cand --before 'With --prune: delete the records before DATE (YYYY-MM-DD or RFC 3339)'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --verify 'Check every record''s MAC and place in the chain: exit 3 naming the first missing, altered or reordered one'
            cand --prune 'Delete the records older than --before, keeping a verifiable checkpoint (the log is verified first)'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;import'= {
            cand --format 'The input format'
            cand --owner 'The owner of a .env''s secrets; for JSON lines, only this owner''s lines are accepted'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;export'= {
            cand --owner 'Only this owner''s secrets'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;secret;help'= {
            cand put 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
            cand get 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
            cand list 'List owners, names, versions and key ids (nothing is decrypted)'
            cand rm 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
            cand history 'List the versions of OWNER/NAME with their key ids and creation times'
            cand migrate 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)'
            cand audit 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint'
            cand import 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed'
            cand export 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;secret;help;put'= {
        }
        &'secretctl;secret;help;get'= {
        }
        &'secretctl;secret;help;list'= {
        }
        &'secretctl;secret;help;rm'= {
        }
        &'secretctl;secret;help;history'= {
        }
        &'secretctl;secret;help;migrate'= {
        }
        &'secretctl;secret;help;audit'= {
        }
        &'secretctl;secret;help;import'= {
        }
        &'secretctl;secret;help;export'= {
        }
        &'secretctl;secret;help;help'= {
        }
        &'secretctl;store'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;store;init'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;store;help'= {
            cand init 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;store;help;init'= {
        }
        &'secretctl;store;help;help'= {
        }
        &'secretctl;name'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Split a versioned name (`<base>_v<N>`) into its base and version'
            cand next 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
            cand swarm 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit'
            cand stack 'Print the stack name Co-op Cloud derives from an app''s domain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;name;parse'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;name;next'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;name;swarm'= {
            cand --stack 'The stack name'
            cand --domain 'Derive the stack name from the app''s domain as Co-op Cloud does (dots become underscores)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;name;stack'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;name;help'= {
            cand parse 'Split a versioned name (`<base>_v<N>`) into its base and version'
            cand next 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
            cand swarm 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit'
            cand stack 'Print the stack name Co-op Cloud derives from an app''s domain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;name;help;parse'= {
        }
        &'secretctl;name;help;next'= {
        }
        &'secretctl;name;help;swarm'= {
        }
        &'secretctl;name;help;stack'= {
        }
        &'secretctl;name;help;help'= {
        }
        &'secretctl;generate'= {
            cand --separator 'words: join the words with C (one of -_.:;+=/~^*!@#%& or a space) instead of `-`'
            cand --append 'words: append a random digit, symbol, or both (like pwqgen''s separators)'
            cand --pass 'Also write the value to ENTRY of the `pass` password store (e.g. secretctl/wiki/smtp_password_v1), with `pass insert --multiline --force` and the value on its stdin; nothing is printed when that fails'
            cand --symbols 'alnum: add pwgen''s 32 symbols to the letters and digits (like `pwgen -y`)'
            cand --no-ambiguous 'alnum: leave out characters easily mistaken for one another, B8G6I1l0OQDS5Z2 (like `pwgen -B`)'
            cand --capitalize 'words: start each word with a capital letter'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;check'= {
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env 'The .env to check; its schema is the secretctl.toml beside it [default: ./.env]'
            cand --file 'The .env to check; its schema is the secretctl.toml beside it [default: ./.env]'
            cand --instance 'The instance directory (its .env and secretctl.toml), instead of --env'
            cand --accept 'Accept the current value of a one-shot KEY that changed on purpose (records it again); repeatable'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops'= {
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
            cand setup 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)'
            cand push 'Split the host''s .env into its template and encrypted vars, and commit what changed'
            cand pull 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)'
            cand diff 'Which keys changed per host between REV and the working tree; never values unless --show-values'
            cand merge-driver 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
            cand textconv 'git diff textconv for vars files: key names and ciphertext digests, never values'
            cand encrypt 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
            cand decrypt 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
            cand check 'Pre-commit check: fail if a secret is staged in plaintext'
            cand updatekeys 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`'
            cand recipients 'Add or remove age recipients across every vars file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;gitops;init'= {
            cand --recipient 'An age recipient (age1...) every vars file is encrypted to; repeat for several'
            cand --author-name 'Commit author name [default: git config user.name]'
            cand --author-email 'Commit author email [default: git config user.email]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;setup'= {
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;push'= {
            cand --host 'The host whose .env this is'
            cand --env 'The instance''s .env'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --author-name 'Commit author name [default: git config user.name]'
            cand --author-email 'Commit author email [default: git config user.email]'
            cand --allow-plain 'Allow KEY in plaintext after review: a plain value that looks like a credential (recorded in the template for that value), or a key encrypted today that the schema or .sops.yaml now leaves plain; repeatable'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --no-commit 'Write the files but do not commit (e.g. to resolve a conflicted merge, then `git add`)'
            cand --accept-recipients 'Encrypt to the recipients .sops.yaml names even where the host''s files are encrypted to others'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;pull'= {
            cand --host 'The host to render'
            cand --out 'Where to write the .env'
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --force 'Overwrite values of the existing .env that were never pushed (refused otherwise, listing their keys)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;diff'= {
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --show-values 'Decrypt and print the old and new values'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;merge-driver'= {
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;textconv'= {
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;encrypt'= {
            cand --input-type 'The file''s format: yaml, json, dotenv, ini or binary [default: from its extension, as sops does: .yaml/.yml, .json, .env, .ini, anything else binary]'
            cand --output-type 'The format to write [default: the input''s]'
            cand --recipient 'Recipients [default, without --hc-vault-transit: those in the repository''s .sops.yaml]'
            cand --hc-vault-transit 'A Vault / OpenBao Transit key that also wraps the data key, as sops''s --hc-vault-transit (https://HOST:8200/v1/MOUNT/keys/NAME); repeat or separate with commas. The token comes from VAULT_TOKEN, BAO_TOKEN or ~/.vault-token'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --in-place 'Replace the file with its encrypted form'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;decrypt'= {
            cand --input-type 'The file''s format: yaml, json, dotenv, ini or binary [default: from its extension, as sops does: .yaml/.yml, .json, .env, .ini, anything else binary]'
            cand --output-type 'The format to write [default: the input''s]'
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --in-place 'Replace the file with its plaintext (written 0600); refused inside a git working tree'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;check'= {
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;updatekeys'= {
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;recipients'= {
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Wrap every vars file''s data key to more recipients (values unchanged) and commit'
            cand remove 'Remove recipients: every vars file they could read gets a new data key; commit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;gitops;recipients;add'= {
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --author-name 'Commit author name [default: git config user.name]'
            cand --author-email 'Commit author email [default: git config user.email]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;recipients;remove'= {
            cand --identity 'An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY]'
            cand --author-name 'Commit author name [default: git config user.name]'
            cand --author-email 'Commit author email [default: git config user.email]'
            cand --repo 'The gitops repository (any directory inside its working tree)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;gitops;recipients;help'= {
            cand add 'Wrap every vars file''s data key to more recipients (values unchanged) and commit'
            cand remove 'Remove recipients: every vars file they could read gets a new data key; commit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;gitops;recipients;help;add'= {
        }
        &'secretctl;gitops;recipients;help;remove'= {
        }
        &'secretctl;gitops;recipients;help;help'= {
        }
        &'secretctl;gitops;help'= {
            cand init 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
            cand setup 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)'
            cand push 'Split the host''s .env into its template and encrypted vars, and commit what changed'
            cand pull 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)'
            cand diff 'Which keys changed per host between REV and the working tree; never values unless --show-values'
            cand merge-driver 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
            cand textconv 'git diff textconv for vars files: key names and ciphertext digests, never values'
            cand encrypt 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
            cand decrypt 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
            cand check 'Pre-commit check: fail if a secret is staged in plaintext'
            cand updatekeys 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`'
            cand recipients 'Add or remove age recipients across every vars file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;gitops;help;init'= {
        }
        &'secretctl;gitops;help;setup'= {
        }
        &'secretctl;gitops;help;push'= {
        }
        &'secretctl;gitops;help;pull'= {
        }
        &'secretctl;gitops;help;diff'= {
        }
        &'secretctl;gitops;help;merge-driver'= {
        }
        &'secretctl;gitops;help;textconv'= {
        }
        &'secretctl;gitops;help;encrypt'= {
        }
        &'secretctl;gitops;help;decrypt'= {
        }
        &'secretctl;gitops;help;check'= {
        }
        &'secretctl;gitops;help;updatekeys'= {
        }
        &'secretctl;gitops;help;recipients'= {
            cand add 'Wrap every vars file''s data key to more recipients (values unchanged) and commit'
            cand remove 'Remove recipients: every vars file they could read gets a new data key; commit'
        }
        &'secretctl;gitops;help;recipients;add'= {
        }
        &'secretctl;gitops;help;recipients;remove'= {
        }
        &'secretctl;gitops;help;help'= {
        }
        &'secretctl;export'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand k8s 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
            cand swarm 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
            cand vault 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set'
            cand eso 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2'
            cand value 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;export;k8s'= {
            cand --instance 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it'
            cand --store 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand -n 'The namespace of every Secret [default: the schema''s `[instance]` namespace, else none, and kubectl applies them to its current namespace]'
            cand --namespace 'The namespace of every Secret [default: the schema''s `[instance]` namespace, else none, and kubectl applies them to its current namespace]'
            cand --secret 'Export only the Secret NAME (as named after `{instance}` expansion, e.g. wiki-db-credentials); repeat for several'
            cand -o 'Write the manifests to FILE (created 0600, replaced atomically) instead of standard output'
            cand --out 'Write the manifests to FILE (created 0600, replaced atomically) instead of standard output'
            cand --age 'With --sops: an age recipient (age1...) that can decrypt the Secrets; repeat for several [default: the comma-separated list in SOPS_AGE_RECIPIENTS, as sops reads it]'
            cand --out-dir 'With --sops: write each Secret to DIR/NAME.yaml, NAME being the Secret''s name (files 0600; DIR created if missing), instead of one stream, so that `sops -d`, `sops edit` and `sops updatekeys` work on each file'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --sops 'Encrypt each Secret in the SOPS format for a gitops controller (Flux, Argo CD + SOPS): only `data` is encrypted (sops''s `encrypted_regex: ^(data|stringData)$`); apiVersion, kind, metadata and type stay readable. Each Secret is its own YAML document with its own data key and MAC. Needs --age (or SOPS_AGE_RECIPIENTS)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;export;swarm'= {
            cand --instance 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it'
            cand --store 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --stack 'The stack the secrets belong to [default: derived from DOMAIN in the .env as Co-op Cloud does (`wiki.example.com` → `wiki_example_com`), else from the instance]'
            cand -o 'Write the script to FILE (created 0700, replaced atomically) instead of standard output'
            cand --out 'Write the script to FILE (created 0700, replaced atomically) instead of standard output'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --prune 'The script also removes the other versions of these secrets in the stack (`docker secret rm`), those the .env''s pointers no longer name; never the version in use, nor one a service still uses'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;export;vault'= {
            cand --instance 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it'
            cand --store 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --path 'The KV v2 secret to write: MOUNT/PATH, e.g. secret/myapp/prod'
            cand --cas 'Write only if the secret''s current version is VERSION (0: only if it does not exist yet) [default: the version read just before writing]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;export;eso'= {
            cand --instance 'The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner [default: the schema''s `[instance]` name, else the name of the directory holding the .env]'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --env 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it'
            cand --store 'Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a .env; the store owner is --instance'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --path 'The KV v2 secret the values are in (as `export vault --path` wrote it): MOUNT/PATH'
            cand -n 'The namespace of every ExternalSecret (and SecretStore) [default: the schema''s `[instance]` namespace]'
            cand --namespace 'The namespace of every ExternalSecret (and SecretStore) [default: the schema''s `[instance]` namespace]'
            cand --store-name 'The name of the store the ExternalSecrets reference'
            cand --vault-server 'With --with-store: the Vault server ESO talks to [default: VAULT_ADDR]'
            cand --role 'With --with-store: the Vault Kubernetes auth role [default: the instance name]'
            cand --refresh-interval 'How often ESO re-reads the values'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --cluster-store 'Reference (and with --with-store write) a ClusterSecretStore instead of a SecretStore'
            cand --with-store 'Also write the SecretStore (or ClusterSecretStore) for Vault KV v2 with Kubernetes auth'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;export;value'= {
            cand --env 'Read the value from this .env (the key `<KEY>_V<N>`)'
            cand --store 'Read the value from this store (taken from the environment so that a URL with a password stays off argv)'
            cand --owner 'The store owner'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --version 'The version to write, `v<N>`'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'secretctl;export;help'= {
            cand k8s 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
            cand swarm 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
            cand vault 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set'
            cand eso 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2'
            cand value 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;export;help;k8s'= {
        }
        &'secretctl;export;help;swarm'= {
        }
        &'secretctl;export;help;vault'= {
        }
        &'secretctl;export;help;eso'= {
        }
        &'secretctl;export;help;value'= {
        }
        &'secretctl;export;help;help'= {
        }
        &'secretctl;import'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand vault 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;import;vault'= {
            cand --path 'The KV v2 secret to read: MOUNT/PATH, e.g. secret/myapp/prod'
            cand --env 'The instance''s .env [default: ./.env]; its schema is the secretctl.toml beside it'
            cand --schema 'The instance''s schema [default: the secretctl.toml beside the .env, when it exists]'
            cand --force 'Change one-shot keys and keys the pods of a Kubernetes instance read from a Secret'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;import;help'= {
            cand vault 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;import;help;vault'= {
        }
        &'secretctl;import;help;help'= {
        }
        &'secretctl;completions'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;__generate'= {
            cand --check 'Do not write: fail if a file in DIR differs from what would be generated'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;escrow'= {
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pass 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;escrow;pass'= {
            cand --instance 'The instance directory (its .env and secretctl.toml)'
            cand --env 'The instance''s .env [default: ./.env]'
            cand --keyfile 'The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key]'
            cand --store 'The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile]'
            cand --actor 'Who to record in the audit table [default: the OS user]'
            cand --allow-loose-permissions 'Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400)'
            cand --json 'Print machine-readable JSON instead of text for people'
            cand --follow-symlinks 'Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to have the same owner; without it such a link is refused'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secretctl;escrow;help'= {
            cand pass 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;escrow;help;pass'= {
        }
        &'secretctl;escrow;help;help'= {
        }
        &'secretctl;help'= {
            cand init 'Create an instance directory with a .env where every declared secret is generated'
            cand env 'Read and edit a Docker Compose .env file without losing a byte of it'
            cand key 'Manage the master keyfile: create, show its id, back up, restore, rotate, retire'
            cand secret 'Store and read secrets in the encrypted secret store'
            cand store 'Create the encrypted secret store on purpose (no other command creates one, but a put to the default store)'
            cand name 'Versioned secret names (name_vN) and Docker Swarm name rules'
            cand generate 'Print one freshly generated secret value'
            cand check 'Check a .env against its schema: missing, too short, overdue, one-shot keys changed'
            cand gitops 'Keep encrypted vars files in a git repository (SOPS format, age recipients)'
            cand export 'Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names)'
            cand import 'Bring secrets in from a secrets manager (Vault / OpenBao KV v2) through the instance''s policy'
            cand completions 'Print shell completions for SHELL'
            cand __generate 'Generate man pages or completion files (used by `cargo xtask man | completions`)'
            cand escrow 'Copy an instance''s current secret values to the operator''s `pass` password store'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secretctl;help;init'= {
        }
        &'secretctl;help;env'= {
            cand list 'List the keys in file order; with --json, the values Docker Compose computes for them'
            cand get 'Print the value of KEY (as Docker Compose computes it, or as written with --raw)'
            cand set 'Set KEY to a value read from stdin (or --from-file, or --generate); only that value''s bytes change'
            cand unset 'Remove every assignment of KEY'
            cand rename 'Rename KEY to NEW_KEY, keeping its value and layout'
            cand rotate 'Replace KEY''s value with a freshly generated one (from the schema''s generator)'
            cand migrate-to-store 'Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance] store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers'
        }
        &'secretctl;help;env;list'= {
        }
        &'secretctl;help;env;get'= {
        }
        &'secretctl;help;env;set'= {
        }
        &'secretctl;help;env;unset'= {
        }
        &'secretctl;help;env;rename'= {
        }
        &'secretctl;help;env;rotate'= {
        }
        &'secretctl;help;env;migrate-to-store'= {
        }
        &'secretctl;help;key'= {
            cand init 'Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites'
            cand id 'Print the active key''s id (a keyed derivation of the key; safe to share)'
            cand list 'List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted'
            cand backup 'Write an age-encrypted backup of the active key to stdout or --output'
            cand restore 'Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64)'
            cand rotate 'Make a new key active and re-encrypt the store under it'
            cand retire 'Remove a retired key once nothing references it'
            cand rewrap 'Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key''s latest version'
        }
        &'secretctl;help;key;init'= {
        }
        &'secretctl;help;key;id'= {
        }
        &'secretctl;help;key;list'= {
        }
        &'secretctl;help;key;backup'= {
        }
        &'secretctl;help;key;restore'= {
        }
        &'secretctl;help;key;rotate'= {
        }
        &'secretctl;help;key;retire'= {
        }
        &'secretctl;help;key;rewrap'= {
        }
        &'secretctl;help;secret'= {
            cand put 'Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal'
            cand get 'Print the value of OWNER/NAME (latest version, or --version N) on stdout'
            cand list 'List owners, names, versions and key ids (nothing is decrypted)'
            cand rm 'Delete one version (--version N) or every version (--all) of OWNER/NAME'
            cand history 'List the versions of OWNER/NAME with their key ids and creation times'
            cand migrate 'Upgrade a store written by an older secretctl to this build''s schema (reads refuse it until then)'
            cand audit 'Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of MACs, --prune --before DATE deletes older records behind a verifiable checkpoint'
            cand import 'Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values), or a .env as one owner''s secrets (--format env --owner O). Creates the store if needed'
            cand export 'Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout'
        }
        &'secretctl;help;secret;put'= {
        }
        &'secretctl;help;secret;get'= {
        }
        &'secretctl;help;secret;list'= {
        }
        &'secretctl;help;secret;rm'= {
        }
        &'secretctl;help;secret;history'= {
        }
        &'secretctl;help;secret;migrate'= {
        }
        &'secretctl;help;secret;audit'= {
        }
        &'secretctl;help;secret;import'= {
        }
        &'secretctl;help;secret;export'= {
        }
        &'secretctl;help;store'= {
            cand init 'Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database)'
        }
        &'secretctl;help;store;init'= {
        }
        &'secretctl;help;name'= {
            cand parse 'Split a versioned name (`<base>_v<N>`) into its base and version'
            cand next 'Print the next version of a versioned name (db_password_v2 -> db_password_v3)'
            cand swarm 'Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm''s 64-character limit'
            cand stack 'Print the stack name Co-op Cloud derives from an app''s domain'
        }
        &'secretctl;help;name;parse'= {
        }
        &'secretctl;help;name;next'= {
        }
        &'secretctl;help;name;swarm'= {
        }
        &'secretctl;help;name;stack'= {
        }
        &'secretctl;help;generate'= {
        }
        &'secretctl;help;check'= {
        }
        &'secretctl;help;gitops'= {
            cand init 'Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and pre-commit check'
            cand setup 'Register the merge driver, diff textconv and pre-commit check in a clone''s local git config and hooks (git never takes them from the repository itself)'
            cand push 'Split the host''s .env into its template and encrypted vars, and commit what changed'
            cand pull 'Render the host''s .env from its template, the shared vars and its own vars (written 0600)'
            cand diff 'Which keys changed per host between REV and the working tree; never values unless --show-values'
            cand merge-driver 'git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A'
            cand textconv 'git diff textconv for vars files: key names and ciphertext digests, never values'
            cand encrypt 'Encrypt one file as `sops -e` does (to stdout, or --in-place)'
            cand decrypt 'Decrypt one file as `sops -d` does (to stdout, or --in-place)'
            cand check 'Pre-commit check: fail if a secret is staged in plaintext'
            cand updatekeys 'Re-wrap each file''s data key to its .sops.yaml creation rule''s recipients, as `sops updatekeys`'
            cand recipients 'Add or remove age recipients across every vars file'
        }
        &'secretctl;help;gitops;init'= {
        }
        &'secretctl;help;gitops;setup'= {
        }
        &'secretctl;help;gitops;push'= {
        }
        &'secretctl;help;gitops;pull'= {
        }
        &'secretctl;help;gitops;diff'= {
        }
        &'secretctl;help;gitops;merge-driver'= {
        }
        &'secretctl;help;gitops;textconv'= {
        }
        &'secretctl;help;gitops;encrypt'= {
        }
        &'secretctl;help;gitops;decrypt'= {
        }
        &'secretctl;help;gitops;check'= {
        }
        &'secretctl;help;gitops;updatekeys'= {
        }
        &'secretctl;help;gitops;recipients'= {
            cand add 'Wrap every vars file''s data key to more recipients (values unchanged) and commit'
            cand remove 'Remove recipients: every vars file they could read gets a new data key; commit'
        }
        &'secretctl;help;gitops;recipients;add'= {
        }
        &'secretctl;help;gitops;recipients;remove'= {
        }
        &'secretctl;help;export'= {
            cand k8s 'Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`'
            cand swarm 'Print the Docker Swarm names of the versioned secrets and a script that creates them'
            cand vault 'Write the instance''s secrets to a Vault / OpenBao KV v2 secret, with check-and-set'
            cand eso 'Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2'
            cand value 'Write one value to a pipe, byte for byte (used by the script `export swarm` writes)'
        }
        &'secretctl;help;export;k8s'= {
        }
        &'secretctl;help;export;swarm'= {
        }
        &'secretctl;help;export;vault'= {
        }
        &'secretctl;help;export;eso'= {
        }
        &'secretctl;help;export;value'= {
        }
        &'secretctl;help;import'= {
            cand vault 'Write the values of a Vault / OpenBao KV v2 secret into an instance''s .env'
        }
        &'secretctl;help;import;vault'= {
        }
        &'secretctl;help;completions'= {
        }
        &'secretctl;help;__generate'= {
        }
        &'secretctl;help;escrow'= {
            cand pass 'Copy the current version of every versioned secret, and the value of every other secret key, to the `pass` password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>)'
        }
        &'secretctl;help;escrow;pass'= {
        }
        &'secretctl;help;help'= {
        }
    ]
    $completions[$command]
}
