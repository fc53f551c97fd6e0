"""Input checks shared by the core: each failure is a ValueError that says what to change."""

from __future__ import annotations

import zipfile
import zlib

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_numpy(value):
    """A NumPy array from a NumPy array, a list, or a tensor (torch is not imported)."""
    if hasattr(value, "detach"):  # torch.Tensor: leave autograd and the device
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def as_float_array(value, name, ndim):
    """``value`` as a float32/float64 array with ``ndim`` axes (an int or a tuple of ints)."""
    try:
        a = as_numpy(value)
    except (ValueError, TypeError) as err:  # ragged nested lists, odd objects
        raise ValueError(f"{name} is not a rectangular array of numbers ({err})") from None
    if a.dtype.kind in "iubf" and not a.dtype.isnative:  # ">f8": another byte order
        a = a.astype(a.dtype.newbyteorder("="))
    if a.dtype.kind in "iub":
        a = a.astype(np.float64)
    elif a.dtype.kind != "f" or a.dtype not in FLOAT_DTYPES:
        if a.dtype == np.float16:
            a = a.astype(np.float32)
        else:
            raise ValueError(f"{name} must hold float32 or float64 numbers; got dtype {a.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if a.ndim not in allowed:
        want = " or ".join(str(n) for n in allowed)
        raise ValueError(f"{name} must have {want} axes; got shape {a.shape}")
    return a


def check_shape(a, name, shape, described):
    """Return ``a`` if its shape is ``shape``; else say which shape was expected."""
    if a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {described} = {tuple(shape)}; got {a.shape}")
    return a


def check_finite(a, name):
    """Refuse NaN and ±inf, saying where the first one is."""
    bad = ~np.isfinite(a)
    if bad.any():
        where = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains NaN or infinity (first at index {where}); "
                         "use finite numbers")
    return a


def positive_int(n, name):
    """``n`` as an int if it is a whole number ≥ 1; else a ValueError naming ``name``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1; got {n!r}")
    return int(n)


def uniform(seed, k, *shapes, dtype=np.float64):
    """Arrays of the given shapes drawn from uniform(−k, k) in order with one generator
    seeded by ``seed`` (PyTorch's default initialisation with k = 1/√fan_in)."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-k, k, size=shape).astype(dtype) for shape in shapes]


def common_float_dtype(*arrays):
    """float64 if any array is float64, else float32."""
    return np.result_type(*(a.dtype for a in arrays), np.float32)


def frozen(*arrays):
    """Make arrays read-only (results and weights are values: nobody changes them)."""
    for a in arrays:
        a.flags.writeable = False


# What reading a damaged zip or .npy member can raise besides ValueError: a truncated or
# garbled archive, a compression method or zip feature Python lacks, an encrypted member,
# a corrupt deflate stream, a header whose shape is too large to allocate.
_UNREADABLE = (OSError, EOFError, zipfile.BadZipFile, KeyError, NotImplementedError,
               RuntimeError, zlib.error, MemoryError, UnicodeDecodeError)


def read_npz(path, required, only_arrays=False):
    """The arrays of an ``.npz`` file, refusing pickles and naming what is missing.

    ``path`` is a path or a file object (read once). Every failure is a ValueError. With
    ``only_arrays``, a member that is not a ``.npy`` array (which NumPy hands back as raw
    bytes) is refused too.
    """
    try:
        data = np.load(path, allow_pickle=False)
    except ValueError as err:  # neither .npz nor .npy: np.load would have to unpickle it
        if "Object arrays" in str(err):
            raise ValueError(_PICKLED) from None
        raise ValueError("not a readable .npz weights file (it is neither an .npz nor an "
                         ".npy file)") from None
    except _UNREADABLE as err:
        raise ValueError(f"not a readable .npz weights file ({_short(err)})") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError("this is a single .npy array, not an .npz weights file")
    with data:
        try:
            arrays = {k: data[k] for k in data.files}
        except ValueError as err:
            if "allow_pickle" in str(err) or "Object arrays" in str(err):
                raise ValueError(_PICKLED) from None
            raise ValueError(f"not a readable .npz weights file ({_short(err)})") from None
        except _UNREADABLE as err:
            raise ValueError(f"not a readable .npz weights file ({_short(err)})") from None
    others = sorted(k for k, a in arrays.items() if not isinstance(a, np.ndarray))
    if only_arrays and others:
        raise ValueError(f"the file holds {', '.join(others[:5])}, which "
                         f"{'is' if len(others) == 1 else 'are'} not NumPy arrays; "
                         "save the weights with np.savez")
    require(arrays, required)
    return arrays


def require(arrays, required):
    """Refuse ``arrays`` (read from a file) when a name of ``required`` is not in it."""
    missing = [k for k in required if k not in arrays]
    if missing:
        names = sorted(arrays)
        found = ", ".join(names[:20]) + (", …" if len(names) > 20 else "") or "nothing"
        raise ValueError(f"the file has no {', '.join(missing)} (it holds {found})")


def _short(err) -> str:
    """An exception's message on one line of at most 120 characters."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 120 else text[:119] + "…"


_PICKLED = ("the file holds pickled Python objects, which are never loaded; "
            "save plain numeric arrays")
