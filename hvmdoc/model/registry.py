"""Every modelled behaviour no source shows, in one place, with why we believe it.

The site lists these (``docs/model/assumptions.md``); code that relies on one
names its id. Values that are merely illustrative (addresses, probe ids,
offsets beyond the seed's) are marked where defined (`hvmdoc.model.layout`)
and summarised by ``illustrative-layout``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    """One assumption: a stable id, a title, what we assume, why, and where it is used."""

    id: str
    title: str
    statement: str
    why: str
    where: str


_ALL = (
    Assumption(
        "illustrative-layout",
        "Kernel addresses, sizes, probe ids and offsets beyond the seed's",
        "Except the seed's two strings, two probe ids and the frames of its two "
        "stacks, every address (the global zone's name string, zone_t and "
        "kthread_t addresses, module ranges), symbol size, call-site offset and "
        "fbt probe id is made up to be plausible. String constants are placed in "
        "their module's text, where krtld loads .rodata.",
        "No source gives them; they differ between builds and boots anyway. Pages "
        "may show them but must not present them as facts.",
        "hvmdoc/model/layout.py",
    ),
    Assumption(
        "module-data-no-bss",
        "A module's variables all lie in its data segment",
        "Each modelled module has one text range (code and read-only data) and one "
        "data range holding all its variables, so mdb's ::whatis names a "
        "variable's segment 'data'.",
        "krtld gives a module a text, a data and a bss segment (genunix kmem.c "
        "whatis_walk_modctl reports 'text segment', 'data segment' or 'bss "
        "segment'); zero-initialized statics such as hvm_excl_holder would be in "
        "bss, but which variables the compiler put there was not checked.",
        "hvmdoc/model/layout.py (MODULES, DATA)",
    ),
    Assumption(
        "dtrace-vmm-unresolved",
        "DTrace prints the vmm module's frames as bare addresses",
        "stack() shows frames in the vmm module as addresses; frames in unix, "
        "genunix, specfs and kvm are printed as module`function+offset.",
        "The seed's dtrace output shows exactly this, and its author filled in the "
        "names with mdb ::whatis; why DTrace could not resolve them is not known "
        "(the bhyve module of the time may have lacked symbol information DTrace "
        "could use).",
        "hvmdoc/model/layout.py (MODULES), hvmdoc/model/events.py (Frame.resolved)",
    ),
    Assumption(
        "fbt-return-id",
        "A return probe's id is its entry probe's id + 1",
        "fbt::F:return has the id of fbt::F:entry plus one, so hvm_excl_hold:return "
        "is 8667 and hvm_excl_rele:return 9031.",
        "fbt creates a function's entry and return probes one after the other; the "
        "seed shows only entry ids.",
        "hvmdoc/model/layout.py (probe_ids)",
    ),
    Assumption(
        "cpu-choice",
        "Which CPU a kernel path runs on",
        "Each path (zone create, bhyve VM create, KVM open, zone shutdown, QEMU exit, "
        "zone destroy) runs on a fixed CPU per host plus 8 per VM position (the "
        "drivers' attach at boot on CPU 0); a panic names that CPU; on "
        "emy-17 the first VM's create runs on CPU 48 and its zone destroy on CPU 72.",
        "The seed shows CPUs 48 and 72 for its one hold and release; a real "
        "scheduler's choice is not reproducible, so the model picks a deterministic "
        "rule that reproduces the seed.",
        "hvmdoc/model/host.py (DEFAULT_CPU_PLAN, Host._cpu)",
    ),
    Assumption(
        "bhyve-boot-failure-report",
        "How vmadm reports a bhyve VM that cannot create its vmm instance",
        "vmadm start prints its usual success line (the zone did boot), then bhyve's "
        "VMM_CREATE_VM fails with ENXIO, bhyve prints 'vm_create: No such device or "
        "address' and exits, the zone halts and the VM is 'stopped'.",
        "The seed only says the bhyve VM 'would have failed to boot'. VM.js waits "
        "for the zone to run, not for the guest; bhyverun.c do_open() does "
        'perror("vm_create") and exit(1) (illumos-joyent release-20180315 and '
        "release-20180830). Where that line is logged on SmartOS is not modelled.",
        "hvmdoc/model/host.py (Host._boot_vm)",
    ),
    Assumption(
        "reboot-order-uniform",
        "Autoboot VMs reach the lock in a uniformly random order",
        "At host boot every order of the autoboot bhyve and KVM VMs is equally "
        "likely to be the order in which they reach hvm_excl_hold.",
        "vmadmd (smartos-live src/vm/sbin/vmadmd.js, loadVM) fires VM.start for each "
        "autoboot VM without waiting, and in 2018 bhyve zones booted through the "
        "zones service while KVM VMs booted through vmadmd; which reaches the lock "
        "first depends on timing no source pins down.",
        "hvmdoc/model/host.py (Host.reboot), hvmdoc/model/race.py",
    ),
    Assumption(
        "os-6799-first-release",
        "The first platform whose hvm_excl_hold warns is 20180412",
        "Platform stamps from 20180412T000000Z until the fix log 'WARNING: zone "
        "'Z' cannot take HVM exclusion lock as 'C': held by 'H'' when a hold is "
        "refused, and their hvm_excl_rele's VERIFY is on line 62; earlier ones "
        "(the seed's 20180315T000000Z among them) refuse silently, VERIFY on line 54.",
        "illumos-joyent commit 8098ab85dc (OS-6799 'hvm exclusion failures are "
        "silent', by the seed's author, authored 2018-03-20, committed "
        "2018-04-03) is not on the release-20180329 branch and is on "
        "release-20180412 (checked in joyent/illumos-joyent). That a release's "
        "platform stamps start on its branch date is assumed, as for OS-7080.",
        "hvmdoc/model/platform.py (EXCL_WARN_STAMP), hvmdoc/model/pc_hvm.py",
    ),
    Assumption(
        "os-7080-first-release",
        "The first platform with OS-7080 is 20180830",
        "Platform stamps from 20180830T000000Z on carry OS-7080 (HMA); earlier ones "
        "have the exclusion lock.",
        "illumos-kvm's release-20180802 and release-20180816 branches lack commit "
        "08e1d7f (OS-7080) and release-20180830 has it (checked in "
        "TritonDataCenter/illumos-kvm), and so do illumos-joyent's for befffd5 "
        "(checked in joyent/illumos-joyent). That the release's platform stamps "
        "start on its branch date is assumed.",
        "hvmdoc/model/platform.py",
    ),
    Assumption(
        "os-6745-first-release",
        "The first platform whose vmadm stops a bhyve VM without -F is 20180329",
        "Platform stamps before 20180329T000000Z refuse 'vmadm stop' (and 'halt') of a "
        "bhyve VM without -F with 'stop is not yet supported for bhyve without force' "
        "(exit 1); from 20180329T000000Z on it stops like any VM. 'vmadm stop -F' "
        "works on every platform.",
        "smartos-live commit 56fa0c70 (OS-6745, 2018-03-19) removed the refusal from "
        "VM.js exports.stop; it is not on the release-20180315 branch and is on "
        "release-20180329 (checked in TritonDataCenter/smartos-live). That the "
        "release's platform stamps start on its branch date is assumed, as for OS-7080.",
        "hvmdoc/model/platform.py (BHYVE_STOP_STAMP), hvmdoc/model/host.py (Host.stop)",
    ),
    Assumption(
        "os-6942-first-release",
        "The first platform whose vmadm create checks 'Bhyve Capable' is 20180510",
        "From platform stamp 20180510T000000Z on, 'vmadm create' of a bhyve payload "
        "prints 'Bhyve not supported' and exits 1 when sysinfo's 'Bhyve Capable' is "
        "false; earlier stamps create the VM (which then fails to boot on such a host).",
        "smartos-live commit ee76b399 (OS-6942 'bhyve incapable hosts should exit early "
        "on vmadm create', 2018-05-09) added the check to VM.js exports.create; it is "
        "not on the release-20180426 branch and is on release-20180510 (checked in "
        "TritonDataCenter/smartos-live). That the release's platform stamps start on "
        "its branch date is assumed, as for OS-7080.",
        "hvmdoc/model/platform.py (BHYVE_CAPABLE_CHECK_STAMP), hvmdoc/model/host.py (Host.create)",
    ),
    Assumption(
        "scenario-vms-preexist",
        "A scenario's VMs are already on the host, whatever its platform and CPU",
        "Scenarios (and hvmdoc race's hosts) put their VMs on the host without the "
        "platform's 'vmadm create' checks: on an AMD host from 20180510 on, before HMA "
        "version 2, a scenario's bhyve VM exists although 'vmadm create' would refuse "
        "it ('Bhyve not supported'), as if it had been created under an earlier "
        "platform (VM.js before OS-6942 has no check) and kept across the upgrade.",
        "No source says how such a VM came to be on the host; the scenarios exist to "
        "show what the kernel does with the VMs a host has. Zones live on the zones "
        "pool, which a platform upgrade does not touch.",
        "hvmdoc/model/scenarios.py (Scenario.build), hvmdoc/model/race.py (race_by_enumeration)",
    ),
    Assumption(
        "intel-hosts-have-vmx",
        "The model's Intel hosts pass vmx_x86_supported()",
        "On an Intel host, vmm_is_supported() (the VMM_VM_SUPPORTED ioctl bhhwcompat "
        "asks) returns 0, so sysinfo's 'Bhyve Capable' is true on every platform.",
        "vmm_is_supported() returns vmx_x86_supported() on Intel (illumos-joyent "
        "vmm_sol_dev.c on release-20180315 through release-20190328); the model's "
        "hosts are servers whose VMX, EPT and unrestricted guest support are "
        "assumed present and enabled, as the seed's bhyve VM runs.",
        "hvmdoc/model/vmm.py (VmmDriver.vmm_is_supported)",
    ),
    Assumption(
        "host-clock-from-platform",
        "A host's clock starts 5 days 14 hours after its platform's build stamp",
        "A freshly loaded host boots at its platform stamp plus 5 days 14 hours, so "
        "the seed's 20180315T000000Z host boots at 2018-03-20 14:00 UTC (the post's "
        "date) and a 20180830T000000Z host at 2018-09-04 14:00 UTC; each operation "
        "then advances it a few seconds, a host reboot by 3 minutes.",
        "Only the seed's date is known; nobody runs a platform before it is built, so "
        "the clock follows the stamp by a fixed, illustrative delay. Times in QEMU "
        "logs and ps -ef are illustrative.",
        "hvmdoc/model/platform.py (Platform.clock_start), hvmdoc/model/host.py (Host.now)",
    ),
    Assumption(
        "hma-v2-cutover",
        "When HMA gained AMD SVM and hma_register_exclusive",
        "Platform stamps from 20190328T000000Z on have the later HMA: AMD SVM "
        "readiness and hma_register_exclusive.",
        "illumos-joyent commits 2453029c01 (OS-7170 'bhyve should support AMD', "
        "SVM in HMA) and e491baa0a1 (OS-7600 'want exclusive hma registration') "
        "are both absent from release-20190314 and present on release-20190328 "
        "(checked in joyent/illumos-joyent). That the release's platform stamps "
        "start on its branch date is assumed; later changes to HMA (Hygon, a "
        "switch to disable HMA) are not modelled.",
        "hvmdoc/model/platform.py, hvmdoc/model/hma.py",
    ),
    Assumption(
        "illumos-12750-first-release",
        "The first platform where bhyve registers with HMA per VM is 20200604",
        "From 20180830T000000Z bhyve registers with HMA when its driver attaches "
        "and stays registered; from 20200604T000000Z on it registers with its "
        "first VM and unregisters with its last.",
        "illumos-joyent commit 8e3a263e49 (illumos 12750 'bhyve should not hold "
        "HMA registration with no running VMs', authored 2019-03-18, merged from "
        "illumos-gate 2020-06-01) is absent from release-20200521 and present on "
        "release-20200604 (checked in joyent/illumos-joyent); an earlier "
        "'OS-XXXX' copy of the change sits only on a feature branch, on no "
        "release branch. That the release's platform stamps start on its branch "
        "date is assumed, as for OS-7080.",
        "hvmdoc/model/platform.py (BHYVE_HMA_PER_VM_STAMP), hvmdoc/model/vmm.py",
    ),
    Assumption(
        "bhyve-no-vmmctl",
        "A bhyve VM on a host whose vmm driver failed to attach",
        "When vmm_attach failed (from OS-7080 on, when HMA refuses bhyve: the "
        "first HMA on AMD), bhyve's open of /dev/vmmctl fails with ENOENT before "
        "any vmm code runs: 'vm_create: No such file or directory', and the VM "
        "stops as for any failed vm_create.",
        "befffd5's vmm_attach returns DDI_FAILURE before ddi_create_minor_node(dip, "
        '"ctl", ...) when hma_register returns NULL, and libvmmapi\'s vm_create '
        "opens VMM_CTL_DEV first; which errno the open returns for a driver that "
        "never attached (no minor node, no /dev link) was not traced through "
        "devfs and sdev. Nothing the model prints shows it.",
        "hvmdoc/model/host.py (Host._boot_vm)",
    ),
    Assumption(
        "bhyve-intel-only-prefix",
        "Before OS-7080 bhyve on SmartOS could not run on AMD",
        "On an AMD host a pre-fix bhyve takes the lock, fails vmm_mod_load, releases "
        "the lock and latches vmmdev_load_failure: every bhyve VM fails to boot.",
        "SmartOS's 2018 bhyve drove Intel VMX only; AMD support came later with HMA's SVM support.",
        "hvmdoc/model/vmm.py (VmmDriver.vmm_mod_load)",
    ),
    Assumption(
        "kvm-vmx-only",
        "KVM on illumos needs Intel VMX",
        "vmx_init fails on AMD: before the fix KVM latches kvm_init_failed and "
        "releases the lock; after it KVM unregisters from HMA. QEMU then runs the "
        "guest unaccelerated.",
        "illumos-kvm implements only VMX (its kvm_hvm_init calls vmx_init); the "
        "failure details on AMD were not traced in the source.",
        "hvmdoc/model/kvm.py",
    ),
    Assumption(
        "zone-per-boot",
        "A VM's zone exists only while it runs; zone ids count up",
        "vmadm start creates the zone (a new zone id, never reused until reboot), "
        "stop halts and destroys it.",
        "illumos creates a zone_t at zone boot and destroys it at halt (the seed's "
        "release stack runs in zone_destroy); zone ids come from an id space "
        "allocated next-fit. The ids and zone_t addresses are illustrative.",
        "hvmdoc/model/kernel.py (Kernel._add_zone), hvmdoc/model/host.py",
    ),
    Assumption(
        "kvm-release-path",
        "The stack under kvm_close when QEMU exits",
        "QEMU's /dev/kvm is closed by process exit: sys_syscall → post_syscall → "
        "psig → exit → proc_exit → closeall → closef → fop_close → spec_close → "
        "device_close → dev_close → cdev_close → kvm_close.",
        "The seed shows no KVM release; this is the usual illumos exit path, not a captured stack.",
        "hvmdoc/model/host.py (Host._qemu_exit)",
    ),
    Assumption(
        "kvm-open-path",
        "The stack under kvm_open",
        "QEMU's open of /dev/kvm reaches kvm_open through open → openat → copen → "
        "vn_openat → fop_open → spec_open → dev_open → cdev_open (the usual illumos "
        "open path for a character device).",
        "No source shows this stack; tools must not present it as captured.",
        "hvmdoc/model/host.py (Host._qemu_open)",
    ),
    Assumption(
        "vpid-per-vcpu",
        "After the fix each accelerated vCPU takes one HMA VPID",
        "A bhyve or KVM VM on an Intel host takes one VPID per vCPU from "
        "hma_vmx_vpid_alloc when it starts and frees them when it stops.",
        "hma.c provides hma_vmx_vpid_alloc for hypervisors to share VPIDs; when "
        "exactly each caller allocates was simplified.",
        "hvmdoc/model/vmm.py, hvmdoc/model/kvm.py",
    ),
    Assumption(
        "pre-fix-platform-stamp",
        "The seed's host ran a March 2018 platform",
        "emy-17 runs 20180315T000000Z by default (the 'pre-fix' alias).",
        "The post is dated 2018-03-20 and shows the exclusion lock; the real stamp "
        "is not shown and the time of day is illustrative.",
        "hvmdoc/model/platform.py (ALIASES)",
    ),
    Assumption(
        "emy-17-initial-state",
        "emy-17 starts with both VMs stopped and autoboot off",
        "Both of emy-17's VMs start 'stopped' with autoboot false.",
        "The seed starts both VMs with vmadm start and then says they are now set "
        "to boot with the host, which is what vmadm start does (VM.js startZone "
        "sets autoboot=true); it does not show the state before.",
        "hvmdoc/model/scenarios.py",
    ),
    Assumption(
        "hma-double-unregister",
        "Unregistering an HMA registration twice faults on a NULL pointer",
        "hma_unregister of a registration no longer on hma_registrations (while "
        "others remain) panics with 'BAD TRAP: type=e (#pf Page fault) ... addr=0 "
        'occurred in module "genunix" due to a NULL pointer dereference\'.',
        "hma_unregister's VERIFYs pass, and list_remove checks the node only with "
        "a DEBUG-kernel ASSERT; the first removal's list_remove_node set the "
        "node's links to NULL, and on a non-DEBUG kernel kmem_free does not "
        "overwrite the freed buffer, so the second list_remove_node writes "
        "through a NULL list_prev. That the buffer was not reused in between is "
        "assumed.",
        "hvmdoc/model/hma.py (Hma.hma_unregister)",
    ),
    Assumption(
        "var-adm-messages-content",
        "/var/adm/messages holds only the model's kernel messages",
        "A host's /var/adm/messages starts empty and receives only the messages "
        "the modelled kernel logs (OS-6799's warning); it survives reboots.",
        "A real one is full of boot and driver messages the model does not "
        "produce; /var/adm lives on the zones pool on SmartOS, so it persists. "
        "The line format is sourced (host.py); the microseconds are illustrative.",
        "hvmdoc/model/host.py (Host._syslog)",
    ),
    Assumption(
        "driver-attach-path",
        "vmm and kvm attach as the kernel comes up, under devi_attach, and stay",
        "Both drivers attach once per boot, before any VM starts, on CPU 0; "
        "their stack shows devi_attach and nothing below it; neither detaches "
        "until the host reboots. From OS-7080 until illumos 12750, so, bhyve is "
        "registered with HMA from boot on.",
        "devi_attach (driver.c) calls a driver's attach(9E). SmartOS's boot runs "
        "'sysinfo -f' (smartos-live overlay/generic/lib/svc/method/identity-node), "
        "whose get_bhyve_capability runs /usr/lib/brand/bhyve/bhhwcompat, which "
        "opens /dev/vmmctl (illumos-joyent usr/src/lib/brand/bhyve/zone/"
        "bhhwcompat.c), so vmm attaches during boot; that the open is what "
        "attaches it, the thread and frames below devi_attach, and kvm's attach "
        "time are not traced. An idle driver may be detached by the kernel's "
        "module unloading (modctl.c mod_uninstall_daemon, woken by modreap under "
        "memory pressure), which from OS-7080 to illumos 12750 would end bhyve's "
        "registration; the model never detaches.",
        "hvmdoc/model/host.py (Host._boot_kernel)",
    ),
    Assumption(
        "qemu-log-header",
        "The header lines of a KVM VM's vm.log",
        "qemu-exec's privilege list and argv in /zones/<uuid>/root/tmp/vm.log are "
        "abridged and illustrative; the '=== OUTPUT (...) ===' line and QEMU's two "
        "messages are real.",
        "qemu-exec.c prints the zone's privileges, the argv and an OUTPUT header "
        "before exec'ing QEMU; the model does not reproduce the full lists.",
        "hvmdoc/model/qemu.py",
    ),
    Assumption(
        "vmadm-unknown-vm",
        "vmadm's text for an unknown VM uuid",
        "'VM <uuid> not found in zoneadm', prefixed by 'Unable to start VM <uuid>: ' "
        "for start and 'Failed to delete VM <uuid>: ' for delete.",
        "smartos-live vmload (release-20180315) builds that message when zoneadm "
        "does not list the zone; vmadm.js wraps start and delete errors as shown. "
        "Later vminfod-era releases print 'zoneadm: <uuid>: No such zone "
        "configured' for get.",
        "hvmdoc/model/host.py",
    ),
    Assumption(
        "tools-vm-helper",
        "vm ALIAS is vmadm lookup -1 alias=ALIAS",
        "The seed host's 'vm' helper prints the uuid of the one VM with that alias, "
        "as 'vmadm lookup -1 alias=ALIAS' does; an unknown alias prints 'Requested "
        "unique lookup but found 0 results.' and exits 1.",
        "The seed uses $(vm test) and $(vm kvm-debian8) but never shows the helper's "
        "definition; vmadm lookup -1 is the obvious way to write it and its message "
        "is vmadm.js's.",
        "hvmdoc/tools/shell.py (_vm)",
    ),
    Assumption(
        "tools-login-shell",
        "root's login shell is bash",
        "Shell messages are prefixed '-bash:' (a login shell's argv[0]) and 'exit' "
        "prints 'logout'.",
        "SmartOS's global-zone root logs in to bash; the seed's prompt "
        "'[root@emy-17 /root]# ' is SmartOS's bash PS1. No transcript shows a shell "
        "error.",
        "hvmdoc/tools/shell.py (SHELL_NAME, _exit)",
    ),
    Assumption(
        "tools-pids",
        "Background jobs get process ids from 4201 on",
        "The first command a session starts in the background prints '[1] 4201'; "
        "each later one takes the next id.",
        "Illustrative: a real host's pids depend on everything that ran before.",
        "hvmdoc/tools/session.py (FIRST_PID)",
    ),
    Assumption(
        "tools-ps-pidwidth",
        "ps -ef pads process ids to 5 columns",
        "PID and PPID are printed '%5d' (pidwidth 5).",
        "illumos ps.c computes pidwidth from the system's maxpid; 5 digits fits the "
        "default pid_max of 30000 but the exact value on a 2018 SmartOS host was "
        "not checked.",
        "hvmdoc/tools/hostcmds.py",
    ),
    Assumption(
        "tools-vmadm-get-order",
        "vmadm get prints keys in sorted order",
        "vmadm get/json prints the VM object's keys sorted alphabetically, indented by two spaces.",
        "vmadm.js prints JSON.stringify(vmobj, null, 2); the order of keys is the "
        "order VM.js's loader builds them in, which the model does not reproduce.",
        "hvmdoc/tools/vmadm.py (_get)",
    ),
    Assumption(
        "tools-mdb-enum-print",
        "::print of a boolean_t shows the value and its name",
        "A boolean_t prints '0x1 (B_TRUE)' or '0 (B_FALSE)'.",
        "mdb_print.c print_enum() prints an enum's value then its constant; that "
        "boolean_t's constants take the %#x form was inferred from the code, not "
        "seen in a transcript.",
        "hvmdoc/tools/mdb.py (_typed_value)",
    ),
    Assumption(
        "tools-dtrace-special-probes",
        "dtrace:::BEGIN, END and ERROR are probes 1, 2, 3 and fire on CPU 0",
        "The dtrace provider's BEGIN, END and ERROR probes have ids 1, 2 and 3; "
        "BEGIN and END fire on CPU 0.",
        "The dtrace provider registers them first, so they get the first ids; "
        "which CPU the consumer's BEGIN/END run on varies on a real host.",
        "hvmdoc/tools/dtrace.py (BEGIN_ID, CONSUMER_CPU)",
    ),
    Assumption(
        "tools-dtrace-return-arg0",
        "fbt return probes see arg0 = 0",
        "In an fbt return probe arg1 is the return value and arg0, the offset of "
        "the returning instruction, is always 0.",
        "fbt passes the return instruction's offset in arg0; the model has no "
        "function bodies, so it has no offset to give.",
        "hvmdoc/tools/dtrace.py (DtraceRun)",
    ),
    Assumption(
        "tools-mdb-errors",
        "Some mdb error texts are composed, not quoted",
        "'no symbol information for address ADDR', 'no type information for SYM', "
        "'failed to look up type T: unknown type', 'failed to find member M of T: "
        "no such member' and 'failed to read T at ADDR: no mapping for address' "
        "are printed after 'mdb: '.",
        "They follow mdb's mdb_warn() style (message, ': ', errno text) and errno "
        "texts of mdb_err.c, but the exact calls in mdb_print.c that print them "
        "were not traced.",
        "hvmdoc/tools/mdb.py",
    ),
    Assumption(
        "tools-mdb-zone-members",
        "zone_t prints only zone_name and zone_id",
        "ADDR::print zone_t shows the members zone_name and zone_id only.",
        "A real zone_t has dozens of members; the model knows these two, which are "
        "the ones the pages use.",
        "hvmdoc/tools/mdb.py (MdbSession._struct_at)",
    ),
    Assumption(
        "tools-mdb-nm-columns",
        "::nm's Bind and Shndx columns",
        "Functions print Bind GLOB and Shndx 1, data symbols LOCL and 3.",
        "Illustrative: the real values depend on each symbol's ELF binding and "
        "section in its module.",
        "hvmdoc/tools/mdb.py (MdbSession._nm)",
    ),
    Assumption(
        "tools-mdb-options",
        "Which dcmd options the emulated mdb applies, and their usage lines",
        "::print accepts -x, -C, -L, -c N and -l N, ::nm -h, -n and -x, ::whatis "
        "-k and -q, and prints what it prints without them; every other option "
        "mdb knows for these dcmds prints 'mdb: ::DCMD -X is not emulated by "
        "hvmdoc', as do ::nm OBJECT and ::walk NAME VARIABLE. Unknown options "
        "and usage lines are today's illumos-gate texts.",
        "The options listed only change arrays, integer radix (hex is already the "
        "default), sorting or the order of piped input, none of which the "
        "model's values show; the others change the output in ways not modelled. "
        "The option letters and usage strings come from the current "
        "mdb_cmds.c, mdb_print.c, mdb_nm.c and mdb_whatis.c; the March 2018 "
        "platform's copies were not compared.",
        "hvmdoc/tools/mdb.py (_DCMD_SPECS, _getopts)",
    ),
    Assumption(
        "tools-mdb-exit-status",
        "A piped mdb exits 1 after an error",
        "echo CMD | mdb -k exits 1 if any command printed an error, 0 otherwise; "
        "an interactive mdb left with $q exits 0.",
        "mdb's exit status for piped input with errors was not checked in the source.",
        "hvmdoc/tools/mdb.py (MdbSession._error)",
    ),
    Assumption(
        "tools-vmadm-python-messages",
        "vmadm's invalid-regex and invalid-JSON details are Python's",
        "'vmadm list field=~(' and 'vmadm create' with a bad payload print "
        "vmadm's prefix ('Invalid regular expression: /RE/: ', 'Invalid JSON "
        "payload: ') followed by Python's description of the error.",
        "The real details come from V8's RegExp and JSON.parse; the emulation "
        "uses Python's re and json, whose wording differs.",
        "hvmdoc/tools/vmadm.py (_matcher, _create)",
    ),
    Assumption(
        "tools-vmadm-unknown-option",
        "An unknown vmadm option takes the next argument",
        "An option vmadm does not define for a command (e.g. 'vmadm stop -x UUID') "
        "swallows the next argument as its value, so the UUID is then missing.",
        "vmadm.js parses with nopt, which gives an option of unknown type the "
        "following non-option argument; the emulation follows that reading of "
        "nopt without having run it.",
        "hvmdoc/tools/vmadm.py (_nopt)",
    ),
    Assumption(
        "tools-vmadm-reboot",
        "vmadm reboot halts then starts the VM",
        "vmadm reboot of a running VM is modelled as a forced stop followed by a "
        "start (the VM gets a new zone id); a VM not running is refused with "
        '\'Cannot reboot vm from state "S", must be "running"\' (exit 1).',
        "VM.js reboots KVM through vmadmd and other brands with 'zlogin shutdown "
        "-i 6'; the model has neither, and both end in the zone's halt and boot. "
        "The refusal text is VM.js's (release-20180315).",
        "hvmdoc/tools/vmadm.py (_reboot)",
    ),
    Assumption(
        "tools-reboot-order",
        "The order of a host reboot comes from the session's seed",
        "The n-th reboot of a session draws its start order from "
        "random.Random(f'{seed}:{n}'), seed 0 when none was given.",
        "The real order is timing (assumption reboot-order-uniform); naming the "
        "draw makes a page's reboot reproducible and a seed name a whole sequence "
        "of reboots.",
        "hvmdoc/tools/shell.py (_reboot)",
    ),
    Assumption(
        "tools-reboot-options",
        "reboot's accepted options and boot arguments change nothing",
        "reboot -d, -l, -n, -q, -f, -p, -e BE and any boot arguments reboot the "
        "host exactly as a plain reboot does; only an unknown option, a missing "
        "-e argument and -p with -f are refused (halt.c's messages, exit 1 or 22).",
        "The model has no crash dump, syslog, sync, zone halting order, fast "
        "reboot or boot environments; the seed's reboot is a plain one.",
        "hvmdoc/tools/shell.py (_reboot_options)",
    ),
    Assumption(
        "tools-reset",
        "reset is the emulator's command, not SmartOS's",
        "Typed at the emulated shell, reset replaces the host by a fresh one of "
        "the same scenario, platform, CPU and seed, ends every terminal's jobs "
        "and open mdb, and prints nothing.",
        "Readers and the workshop need a way to start over; no real host has one.",
        "hvmdoc/tools/shell.py (_reset), hvmdoc/tools/session.py (HostSession.reset)",
    ),
    Assumption(
        "tools-mdb-dcmds",
        "::dcmds lists only the dcmds the emulation runs",
        "::dcmds prints the emulated dcmds (dcmds, help, nm, print, quit, walk, "
        "whatis) in mdb's '%-24s - %s' format with mdb_cmds.c's descriptions; ::help "
        "with no argument prints mdb's own _mdb_help text; ::help NAME is reported "
        "as not emulated.",
        "A real mdb -k lists hundreds of dcmds from every loaded module; listing "
        "those would offer trainees commands the emulation cannot run.",
        "hvmdoc/tools/mdb.py (MdbSession._dcmds, MdbSession._help)",
    ),
    Assumption(
        "tools-grep",
        "grep is illumos grep's message texts over a subset of its options",
        "grep takes -E, -F, -c, -h, -H, -i, -l, -n, -q, -s, -v, -x and -e; "
        "basic regular expressions are translated to Python's syntax; the usage "
        "text is that of the illumos-joyent grep.c the sources were read from, "
        "which may postdate the 2018 platform's.",
        "The workshop needs grep for the QEMU log and vmadm's output; its messages "
        "('grep: can't open \"F\"', exit 2) are grep.c's.",
        "hvmdoc/tools/hostcmds.py (grep_command)",
    ),
    Assumption(
        "tools-clear",
        "clear prints nothing in a transcript",
        "The emulated clear succeeds without output; hvmdoc shell clears its "
        "window itself when clear is typed alone at the shell prompt.",
        "clear's real output is a terminal control sequence, which a page's "
        "transcript cannot show.",
        "hvmdoc/tools/shell.py (_clear), hvmdoc/workshop/repl.py (CLEAR_WORD)",
    ),
)

#: id -> Assumption, in the order above.
ASSUMPTIONS: dict[str, Assumption] = {a.id: a for a in _ALL}


def assumption(assumption_id: str) -> Assumption:
    """The assumption registered under ``assumption_id`` (KeyError if none)."""
    return ASSUMPTIONS[assumption_id]


__all__ = ["ASSUMPTIONS", "Assumption", "assumption"]
