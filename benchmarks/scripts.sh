# Shell functions the benchmarks/run-*.sh scripts share; sourced, not run. Messages name the script that sources it.

# The README's small-server JVM options for the launcher, as HarnessOptions.DEFAULT_WHARF_JAVA_OPTIONS lists them
# for the Java harnesses: for the scripts that start the launcher themselves or pass options of their own.
small_server_jvm=(-Xmx128m -Xms32m -XX:+UseSerialGC -XX:MaxInlineLevel=6 -XX:FreqInlineSize=50 -XX:InlineSmallCode=500)

# require_built FILE...: exits 2, saying how to build them, when any of the build outputs FILE... is missing.
require_built() {
  local file
  for file in "$@"; do
    if [[ ! -f $file ]]; then
      echo "${0##*/}: $file is missing; build first: mvn -B -q package -DskipTests" >&2
      exit 2
    fi
  done
}

# install_missing PROGRAM PACKAGE: installs the Debian PACKAGE when PROGRAM is not on the PATH, if this runs as
# root on a system with apt-get; otherwise leaves it to require_program to say what is missing.
install_missing() {
  local program=$1 package=$2
  if command -v "$program" >/dev/null 2>&1; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "${0##*/}: installing $package" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null
  fi
}

# require_program PROGRAM PACKAGE: exits 2, naming the Debian PACKAGE, when PROGRAM is not on the PATH.
require_program() {
  local program=$1 package=$2
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "${0##*/}: $program not found; install the Debian package $package" >&2
    exit 2
  fi
}

# warn_about_registry_service: a docker-registry system service is never what the harnesses measure (they start
# their own), but it shares the machine.
warn_about_registry_service() {
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    echo "${0##*/}: warning: the docker-registry system service is running. It is not measured (the" \
         "harness starts its own), but it shares this machine: systemctl stop docker-registry" >&2
  fi
}
