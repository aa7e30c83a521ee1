"""Makes the demo interview's video, its poster and its WebVTT tracks (run by hand, not by the platform).

A synthesised voice (espeak-ng) reads the start of the interview in
``03-business-models-and-social-activation/04-interview-social-worker.md``, over a still image
(ffmpeg); the caption cues are the sentences read, timed from the length of each spoken piece,
so they match the sound exactly. Latvian subtitles take the same cues from the lv-LV translation.

    apt-get install espeak-ng ffmpeg fonts-dejavu-core
    python3 courses/social-entrepreneurship/media/make-interview-social-worker.py

Writes interview-social-worker.{mp4,jpg,en.vtt,lv.vtt} beside this file. Only this script needs
espeak-ng and ffmpeg; the platform, its tests and CI use the files it wrote, which are committed.
"""

# ruff: noqa: S603 - runs espeak-ng and ffmpeg from PATH, with arguments written here

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME = "interview-social-worker"
PAUSE = 0.5  # seconds of silence after each piece
VOICES = {"narrator": "en-gb+m3", "interviewer": "en-gb+f3", "worker": "en-gb+m1"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

# (speaker, English as spoken and captioned, Latvian subtitle from the lv-LV translation)
PIECES = [
    (
        "narrator",
        "A synthesised voice reads the start of this interview.",
        "Sintezēta balss nolasa šīs intervijas sākumu.",
    ),
    (
        "interviewer",
        "Interviewer: What does social activation mean in your daily work?",
        "Intervētājs: Ko sociālā aktivizācija nozīmē jūsu ikdienas darbā?",
    ),
    (
        "worker",
        "Social worker: Many of the people I see have received financial social assistance for years.",
        "Sociālais darbinieks: Daudzi cilvēki, ar kuriem tiekos, gadiem ilgi ir saņēmuši sociālās palīdzības pabalstu.",
    ),
    ("worker", "Some have not worked for ten years or more.", "Daži nav strādājuši desmit gadus vai pat ilgāk."),
    (
        "worker",
        "They are not lazy; they are tired, ill, ashamed, or they simply do not know where to start.",
        "Viņi nav slinki; viņi ir noguruši, slimi, viņiem ir kauns, vai arī viņi vienkārši nezina, ar ko sākt.",
    ),
    (
        "worker",
        "Social activation means we do not only pay the assistance. We plan the next steps together.",
        "Sociālā aktivizācija nozīmē, ka mēs ne tikai izmaksājam pabalstu. Mēs kopā plānojam nākamos soļus.",
    ),
    ("interviewer", "Interviewer: Where does it start?", "Intervētājs: Kur tas sākas?"),
    (
        "worker",
        "Social worker: With us, at the centre for social work. We are the entry point.",
        "Sociālais darbinieks: Pie mums, sociālā darba centrā. Mēs esam ieejas punkts.",
    ),
    (
        "worker",
        "We talk with the person, look at their health, family, debts, skills. Then we agree on a plan.",
        "Mēs runājam ar cilvēku, aplūkojam viņa veselību, ģimeni, parādus, prasmes. Tad vienojamies par plānu.",
    ),
]


def spoken(text: str) -> str:
    """What the voice says: the speaker's name in a caption is not read out."""
    return text.split(": ", 1)[1] if text.startswith(("Interviewer: ", "Social worker: ")) else text


def timestamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def vtt(cues: list[tuple[float, float, str]]) -> str:
    blocks = [f"{timestamp(start)} --> {timestamp(end)}\n{text}" for start, end, text in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frames, params, cues_en, cues_lv, now = [], None, [], [], 0.0
        for number, (speaker, english, latvian) in enumerate(PIECES):
            piece = folder / f"{number}.wav"
            voice = ["espeak-ng", "-v", VOICES[speaker], "-s", "150"]
            subprocess.run([*voice, "-w", str(piece), spoken(english)], check=True)
            with wave.open(str(piece)) as w:
                params = w.getparams()
                data = w.readframes(w.getnframes())
                length = w.getnframes() / w.getframerate()
            silence = b"\0" * (int(PAUSE * params.framerate) * params.sampwidth * params.nchannels)
            frames.append(data + silence)
            cues_en.append((now, now + length, english))
            cues_lv.append((now, now + length, latvian))
            now += length + PAUSE
        speech = folder / "speech.wav"
        with wave.open(str(speech), "wb") as out:
            out.setparams(params)
            out.writeframes(b"".join(frames))
        poster = HERE / f"{NAME}.jpg"
        title = "drawtext=fontfile={font}:text='{text}':fontcolor=white:fontsize={size}:x=(w-text_w)/2:y={y}"
        picture = ",".join(
            [
                title.format(font=FONT, text="Social activation", size=44, y=130),
                title.format(font=FONT, text="Interview with a social worker", size=26, y=195),
                title.format(font=FONT, text="(synthesised voice)", size=22, y=240),
            ]
        )
        ffmpeg = ["ffmpeg", "-y", "-loglevel", "error"]
        background = ["-f", "lavfi", "-i", "color=c=0x1f4e5f:s=640x360"]
        subprocess.run([*ffmpeg, *background, "-vf", picture, "-frames:v", "1", "-q:v", "5", str(poster)], check=True)
        subprocess.run(
            [
                *ffmpeg,
                "-loop", "1", "-framerate", "2", "-i", str(poster),
                "-i", str(speech),
                "-c:v", "libx264", "-tune", "stillimage", "-crf", "32", "-g", "10", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "32k", "-ac", "1",
                "-t", f"{now:.3f}", "-movflags", "+faststart",
                str(HERE / f"{NAME}.mp4"),
            ],
            check=True,
        )  # fmt: skip
    (HERE / f"{NAME}.en.vtt").write_text(vtt(cues_en), encoding="utf-8")
    (HERE / f"{NAME}.lv.vtt").write_text(vtt(cues_lv), encoding="utf-8")
    print(f"{now:.1f} s of speech, {len(PIECES)} cues")


if __name__ == "__main__":
    main()
