"""The names in ``st.session_state``, spelled once: pages, ui modules and tests read them here.

Two kinds live there. *State* a page keeps for the session (the learner's trained or
uploaded model, what the sidebar remembers); names starting with "_" are private and
survive a move to another page. *Widget keys* that several modules read or set: each is
also the name of its value in the URL (``?seq=…&unit=3``), so it never changes.
"""

# ---- state that travels between pages ----------------------------------------------------
TRAINED_MODEL = "trained_model"    # the TokenModel trained on /train (ui/training.py)
TRAINED_TASK = "trained_task"      # the name of the task it was trained for
UPLOADED_MODEL = "uploaded_model"  # the lstm_viz.upload.Found of the last good weights file
TRAVELS = frozenset({TRAINED_MODEL, TRAINED_TASK, UPLOADED_MODEL})  # kept across pages

# ---- private state (kept across pages, never in the URL) ---------------------------------
UPLOAD_ERROR = "_upload_error"  # the UploadError of the last bad file, until the next one
TRAIN_LIVE = "_train_live"      # the run in progress on /train
TRAIN_SHOWN = "_train_shown"    # the outcome /train shows and how it came
LANG_KEPT = "_lang"             # the language, carried to the next page
PAGE = "_page"                  # the title key of the page the session is on
LINK = "_link"                  # the URL values the learner arrived with on this page
LINK_KEPT = "_link_kept"        # those values, kept over a rerun that common.number asked for
LINKS_SEEN = "_links_seen"      # pages whose URL has been read once
PLAYER_REQUEST = "_player_request"  # where /gates last asked its player to stand (ui/player.py)
PLAYER_FULL_RUN = "_player_full_run"  # set by a whole run of /gates, not by its player's reruns
LIVE_CLASS = "_live_class"      # the code of the live class this session is in (ui/live.py)
LIVE_TOKEN = "_live_token"      # the teacher's token, in the teacher's session only
LIVE_SID = "_live_sid"          # this session's anonymous student id
LIVE_ERROR = "_live_error"      # (code, values) of the last refused class action, until shown
LIVE_SENT = "_live_sent"        # the question this student last sent an answer to


def kept(key: str) -> str:
    """The private copy of widget ``key``'s value, kept while the widget is not shown."""
    return "_" + key


# ---- widget keys shared by several modules (each also a URL name) -------------------------
LANG = "lang"
PRESENT = "present"
SEQ = "seq"
MODE = "mode"
UNITS = "units"
SEED = "seed"
MODEL = "model"
LAYER = "layer"
STEP = "step"
UNIT = "unit"
UPLOAD_FILE = "upload_file"
LIVE_FOLLOW = "live_follow"  # a student's "follow the teacher" toggle
PLAYER = "gates_player"  # the gates player's state: {"at": {"step", "unit", "rev"}}
EMBEDDING = "gates_embedding"  # /gates' token vectors open? (their table is drawn only then)
