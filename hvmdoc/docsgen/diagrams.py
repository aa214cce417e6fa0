"""The site's two diagrams, drawn as SVG from the facts they show.

- ``lock-states.svg``: the HVM exclusion lock of ``usr/src/uts/i86pc/os/pc_hvm.c``
  (illumos-joyent, OS-6400): free, held by ``"bhyve"`` (``vmmdev_hvm_name`` in
  ``vmm_sol_dev.c``) or held by ``"SmartOS KVM"`` (``kvm_excl_ident`` in
  illumos-kvm ``kvm.c``); ``hvm_excl_hold()`` succeeds only when free, and
  ``hvm_excl_rele()`` by anyone but the holder fails its ``VERIFY`` and panics.
- ``call-paths.svg``: the two kernel stacks of the seed post's dtrace output,
  outermost caller at the top: the hold from ``ioctl`` down to
  ``hvm_excl_hold`` and the release from ``zone_destroy`` down to
  ``hvm_excl_rele``.

The SVGs are written by ``hvmdoc docs`` (and checked by ``hvmdoc docs --check``)
so they cannot drift from this file. They are drawn on white, carry a
``<title>`` and ``<desc>``, and reference nothing outside themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SANS = "DejaVu Sans, Helvetica, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
INK = "#263238"
MUTED = "#607d8b"
FREE = "#e8f5e9"
BHYVE = "#fff3e0"
KVM = "#e3f2fd"
PANIC = "#ffebee"
PANIC_INK = "#b71c1c"

#: Fill colour of each kernel module's frames in the call-path diagram.
MODULE_FILL = {
    "unix": "#eceff1",
    "genunix": "#e3f2fd",
    "specfs": "#ede7f6",
    "vmm": "#fff3e0",
}


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    """A standalone, accessible SVG document."""
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc">',
            f'  <title id="title">{escape(title)}</title>',
            f'  <desc id="desc">{escape(desc)}</desc>',
            "  <defs>",
            '    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">',
            f'      <path d="M 0 0 L 10 5 L 0 10 z" fill="{INK}"/>',
            "    </marker>",
            '    <marker id="arrow-panic" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">',
            f'      <path d="M 0 0 L 10 5 L 0 10 z" fill="{PANIC_INK}"/>',
            "    </marker>",
            "  </defs>",
            f'  <rect width="{width}" height="{height}" fill="#ffffff"/>',
            *("  " + line for line in body),
            "</svg>",
            "",
        ]
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 14,
    family: str = SANS,
    fill: str = INK,
    anchor: str = "middle",
    weight: str = "normal",
) -> str:
    """One line of text."""
    return (
        f'<text x="{x:g}" y="{y:g}" font-family="{family}" font-size="{size}" '
        f'fill="{fill}" text-anchor="{anchor}" font-weight="{weight}">{escape(text)}</text>'
    )


@dataclass(frozen=True)
class _Box:
    """A labelled rounded rectangle, centred on (x, y)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2

    def draw(self, fill: str, stroke: str = INK, dashed: bool = False) -> str:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        return (
            f'<rect x="{self.left:g}" y="{self.top:g}" width="{self.width:g}" '
            f'height="{self.height:g}" rx="10" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="1.5"{dash}/>'
        )


def _arrow(path: str, *, panic: bool = False, dashed: bool = False) -> str:
    colour = PANIC_INK if panic else INK
    marker = "arrow-panic" if panic else "arrow"
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} '
        f'marker-end="url(#{marker})"/>'
    )


def _line_x(start: tuple[float, float], end: tuple[float, float], y: float) -> float:
    """The x of the straight line from ``start`` to ``end`` at height ``y``."""
    (x0, y0), (x1, y1) = start, end
    return x0 + (x1 - x0) * (y - y0) / (y1 - y0)


def lock_states_svg() -> str:
    """The lock's states and transitions (pc_hvm.c, before OS-7080).

    ``free`` sits on top, the two held states below it on either side, and the
    panic between them: every wrong release, from any of the three states, is a
    short arrow into it. Each hold is an outer curve labelled outside it; each
    release a straight line labelled on its inner side, clear of the arrow from
    ``free`` down to the panic.
    """
    free = _Box(500, 75, 240, 70)
    bhyve = _Box(145, 330, 250, 70)
    kvm = _Box(850, 330, 270, 70)
    panic = _Box(500, 330, 340, 64)
    bhyve_rele = ((bhyve.x + 55, bhyve.top), (free.left + 15, free.bottom))
    kvm_rele = ((kvm.x - 55, kvm.top), (free.right - 15, free.bottom))
    label_y = 255  # the release labels' first line, below the middle of their lines
    body = [
        free.draw(FREE),
        _text(free.x, free.y - 6, "free", size=18, weight="bold"),
        _text(free.x, free.y + 18, "hvm_excl_holder == NULL", size=13, family=MONO),
        bhyve.draw(BHYVE),
        _text(bhyve.x, bhyve.y - 6, "held by \u201cbhyve\u201d", size=18, weight="bold"),
        _text(bhyve.x, bhyve.y + 18, "vmm: vmmdev_hvm_name", size=13, family=MONO),
        kvm.draw(KVM),
        _text(kvm.x, kvm.y - 6, "held by \u201cSmartOS KVM\u201d", size=18, weight="bold"),
        _text(kvm.x, kvm.y + 18, "kvm: kvm_excl_ident", size=13, family=MONO),
        panic.draw(PANIC, stroke=PANIC_INK, dashed=True),
        _text(panic.x, panic.y - 6, "kernel panic", size=17, weight="bold", fill=PANIC_INK),
        _text(
            panic.x,
            panic.y + 16,
            "VERIFY(consumer == hvm_excl_holder) failed",
            size=12,
            family=MONO,
            fill=PANIC_INK,
        ),
        # free -> bhyve (hold, outer curve) and back (rele, straight, inner)
        _arrow(f"M {free.left:g} {free.y - 12:g} C 260 50, 95 150, {bhyve.x - 45:g} {bhyve.top:g}"),
        _text(170, 38, "hvm_excl_hold(\u201cbhyve\u201d)", size=13, family=MONO),
        _text(170, 56, "first bhyve VM created", size=12, fill=MUTED),
        _arrow("M {:g} {:g} L {:g} {:g}".format(*bhyve_rele[0], *bhyve_rele[1])),
        _text(
            _line_x(*bhyve_rele, label_y) + 12,
            label_y,
            "hvm_excl_rele(\u201cbhyve\u201d)",
            size=13,
            family=MONO,
            anchor="start",
        ),
        _text(
            _line_x(*bhyve_rele, label_y) + 12,
            label_y + 18,
            "last bhyve VM destroyed",
            size=12,
            fill=MUTED,
            anchor="start",
        ),
        # free -> KVM (hold, outer curve) and back (rele, straight, inner)
        _arrow(f"M {free.right:g} {free.y - 12:g} C 740 50, 905 150, {kvm.x + 45:g} {kvm.top:g}"),
        _text(830, 38, "hvm_excl_hold(\u201cSmartOS KVM\u201d)", size=13, family=MONO),
        _text(830, 56, "first open of /dev/kvm", size=12, fill=MUTED),
        _arrow("M {:g} {:g} L {:g} {:g}".format(*kvm_rele[0], *kvm_rele[1])),
        _text(
            _line_x(*kvm_rele, label_y) - 12,
            label_y,
            "hvm_excl_rele(\u201cSmartOS KVM\u201d)",
            size=13,
            family=MONO,
            anchor="end",
        ),
        _text(
            _line_x(*kvm_rele, label_y) - 12,
            label_y + 18,
            "last close of /dev/kvm",
            size=12,
            fill=MUTED,
            anchor="end",
        ),
        # self loops under the held states: a hold while held fails
        _arrow(
            f"M {bhyve.x - 70:g} {bhyve.bottom:g} C {bhyve.x - 90:g} 420, "
            f"{bhyve.x + 10:g} 420, {bhyve.x - 10:g} {bhyve.bottom:g}"
        ),
        _text(bhyve.x - 40, 440, "any hold \u2192 B_FALSE", size=13, family=MONO),
        _arrow(
            f"M {kvm.x + 70:g} {kvm.bottom:g} C {kvm.x + 90:g} 420, "
            f"{kvm.x - 10:g} 420, {kvm.x + 10:g} {kvm.bottom:g}"
        ),
        _text(kvm.x + 40, 440, "any hold \u2192 B_FALSE", size=13, family=MONO),
        # a release by anyone but the holder panics, from each of the three states
        _arrow(
            f"M {free.x:g} {free.bottom:g} L {panic.x:g} {panic.top:g}", panic=True, dashed=True
        ),
        _arrow(
            f"M {bhyve.right:g} {bhyve.y:g} L {panic.left:g} {panic.y:g}", panic=True, dashed=True
        ),
        _arrow(f"M {kvm.left:g} {kvm.y:g} L {panic.right:g} {panic.y:g}", panic=True, dashed=True),
        _text(
            panic.x,
            panic.bottom + 28,
            "hvm_excl_rele(c) with c \u2260 holder",
            size=13,
            family=MONO,
            fill=PANIC_INK,
        ),
        _text(
            panic.x,
            panic.bottom + 46,
            "from any state, free included",
            size=12,
            fill=PANIC_INK,
        ),
    ]
    desc = (
        "The HVM exclusion lock has three states: free (hvm_excl_holder is NULL), held by "
        '"bhyve" and held by "SmartOS KVM". From free, hvm_excl_hold("bhyve") - taken when '
        "the first bhyve VM is created - moves it to held by bhyve, and "
        'hvm_excl_hold("SmartOS KVM") - taken when /dev/kvm is first opened - to held by '
        "SmartOS KVM. The holder's hvm_excl_rele, when its last VM goes away, returns it to "
        "free. While the lock is held, every hvm_excl_hold returns B_FALSE, the holder's "
        "own included. hvm_excl_rele by anyone but the holder, or while the lock is free, "
        "fails VERIFY(consumer == hvm_excl_holder) and panics the kernel."
    )
    return _svg(1000, 470, "States of the HVM exclusion lock (pc_hvm.c)", desc, body)


#: The seed's stacks, outermost caller first: (module, function+offset).
HOLD_PATH: tuple[tuple[str, str], ...] = (
    ("genunix", "ioctl+0x9b"),
    ("genunix", "fop_ioctl+0x55"),
    ("specfs", "spec_ioctl+0x60"),
    ("genunix", "cdev_ioctl+0x39"),
    ("vmm", "vmm_ioctl+0x193"),
    ("vmm", "vmmdev_do_vm_create+0x73"),
    ("vmm", "vmmdev_mod_incr+0x37"),
    ("unix", "hvm_excl_hold"),
)
RELE_PATH: tuple[tuple[str, str], ...] = (
    ("genunix", "zone+0x1e7"),
    ("genunix", "zone_destroy+0x124"),
    ("genunix", "zone_zsd_callbacks+0xe6"),
    ("genunix", "zsd_apply_all_keys+0x5f"),
    ("genunix", "zsd_apply_destroy+0x1d1"),
    ("vmm", "vmm_zsd_destroy+0x3a"),
    ("vmm", "vmm_do_vm_destroy+0x3d"),
    ("vmm", "vmm_do_vm_destroy_locked+0xe6"),
    ("vmm", "vmmdev_mod_decr+0x31"),
    ("unix", "hvm_excl_rele"),
)


def _column(x: float, top: float, frames: tuple[tuple[str, str], ...]) -> list[str]:
    """One stack, drawn as boxes joined by call arrows."""
    body: list[str] = []
    step = 46
    for index, (module, frame) in enumerate(frames):
        box = _Box(x, top + index * step, 330, 32)
        last = index == len(frames) - 1
        body.append(box.draw(MODULE_FILL[module], stroke=PANIC_INK if last else INK))
        body.append(
            _text(
                box.left + 12,
                box.y + 5,
                frame,
                size=14,
                family=MONO,
                anchor="start",
                weight="bold" if last else "normal",
            )
        )
        body.append(_text(box.right - 12, box.y + 5, module, size=12, fill=MUTED, anchor="end"))
        if not last:
            body.append(_arrow(f"M {x:g} {box.bottom:g} L {x:g} {box.bottom + step - 32:g}"))
    return body


def call_paths_svg() -> str:
    """The hold and release call paths of the seed's dtrace stacks."""
    body = [
        _text(220, 34, "Taking the lock", size=18, weight="bold"),
        _text(220, 54, "a bhyve VM is created: an ioctl to the vmm driver", size=12, fill=MUTED),
        *_column(220, 90, HOLD_PATH),
        _text(640, 34, "Releasing the lock", size=18, weight="bold"),
        _text(
            640, 54, "the VM's zone is destroyed: zone-specific data callback", size=12, fill=MUTED
        ),
        *_column(640, 90, RELE_PATH),
        _text(
            430,
            570,
            "Orange frames are bhyve's vmm module: dtrace printed them as bare addresses,"
            " named with mdb ::whatis.",
            size=12,
            fill=MUTED,
        ),
    ]
    desc = (
        "Two call paths, outermost caller at the top. Taking the lock: ioctl, fop_ioctl, "
        "spec_ioctl, cdev_ioctl, vmm_ioctl, vmmdev_do_vm_create, vmmdev_mod_incr, "
        "hvm_excl_hold. Releasing the lock: zone, zone_destroy, zone_zsd_callbacks, "
        "zsd_apply_all_keys, zsd_apply_destroy, vmm_zsd_destroy, vmm_do_vm_destroy, "
        "vmm_do_vm_destroy_locked, vmmdev_mod_decr, hvm_excl_rele."
    )
    return _svg(880, 590, "Call paths that take and release the HVM exclusion lock", desc, body)


#: docs/-relative path -> generator, for ``hvmdoc docs``.
DIAGRAMS = {
    "assets/diagrams/lock-states.svg": lock_states_svg,
    "assets/diagrams/call-paths.svg": call_paths_svg,
}
