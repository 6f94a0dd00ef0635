#!/usr/bin/env bash
# Regenerate the synthetic test audio of the speech package (deterministic, committed outputs).
#
# Needs: espeak-ng and sox (`apt-get install -y espeak-ng sox libsox-fmt-mp3`) and the project's
# virtual environment (numpy + PyAV, for mixing and for the M4A/MP4 variants).
# Run from anywhere:  bash tests/data/audio/make_audio.sh
#
# Why pinyin: Debian's espeak-ng Mandarin dictionary has no entries for Chinese characters (it
# spells them out), but its `cmn-latn-pinyin` voice reads tone-numbered pinyin. Each line below
# carries the reference text (Simplified Chinese) and the pinyin that espeak-ng speaks.
#
# Two speakers, made distinct by espeak variant, pitch and speed:
#   host  (主播): cmn-latn-pinyin+f3, pitch 70, 130 words/min
#   guest (嘉宾): cmn-latn-pinyin+m3, pitch 40, 120 words/min
# Outputs (all 16 kHz mono):
#   dialogue.flac / dialogue.mp3  host and guest talking about a product, pauses, one 0.5 s overlap
#   dialogue.json                 reference utterances {speaker, start, end, text} (seconds)
#   dialogue.rttm                 reference speech regions per speaker (energy-trimmed, see below)
#   dialogue.txt                  reference transcript, one utterance a line
#   short.wav/.flac/.m4a/.mp4     one guest utterance in each container (the MP4 has a video track)
#   enrol_host.flac, enrol_guest.flac   other sentences by the same voices, for voice enrolment
#   silence.flac                  3 s of very faint noise (-70 dBFS): must give no captions
#   corrupt.mp3                   bytes that are not audio
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

HOST_VOICE=(-v cmn-latn-pinyin+f3 -p 70 -s 130)
GUEST_VOICE=(-v cmn-latn-pinyin+m3 -p 40 -s 120)

# id|speaker|gap_before_s (negative = overlap with the previous line)|text|pinyin
cat > "$WORK/script.txt" <<'EOF'
u01|host|0.5|大家好，欢迎来到直播间。|da4 jia1 hao3, huan1 ying2 lai2 dao4 zhi2 bo1 jian1.
u02|host|0.6|今天给大家介绍云朵保温杯。|jin1 tian1 gei3 da4 jia1 jie4 shao4 yun2 duo3 bao3 wen1 bei1.
u03|guest|0.9|这款保温杯能保温多久？|zhe4 kuan3 bao3 wen1 bei1 neng2 bao3 wen1 duo1 jiu3?
u04|host|0.8|热水可以保温十二个小时。|re4 shui3 ke3 yi3 bao3 wen1 shi2 er4 ge4 xiao3 shi2.
u05|guest|1.0|价格是多少钱？|jia4 ge2 shi4 duo1 shao3 qian2?
u06|host|0.7|直播间价格九十九元，还送一个杯套。|zhi2 bo1 jian1 jia4 ge2 jiu3 shi2 jiu3 yuan2, hai2 song4 yi2 ge4 bei1 tao4.
u07|guest|1.1|有没有黑色的？|you3 mei2 you3 hei1 se4 de5?
u08|host|0.8|有黑色和白色两种颜色。|you3 hei1 se4 he2 bai2 se4 liang3 zhong3 yan2 se4.
u09|guest|-0.5|好的，我现在就下单。|hao3 de5, wo3 xian4 zai4 jiu4 xia4 dan1.
u10|host|1.0|谢谢大家，记得点关注。|xie4 xie4 da4 jia1, ji4 de5 dian3 guan1 zhu4.
EOF

say() {  # say OUT.wav speaker pinyin : speak, resample to 16 kHz mono PCM16, trim edge silence
    local out="$1" speaker="$2" text="$3" voice
    if [[ "$speaker" == host ]]; then voice=("${HOST_VOICE[@]}"); else voice=("${GUEST_VOICE[@]}"); fi
    espeak-ng "${voice[@]}" -w "$WORK/raw.wav" "$text"
    sox "$WORK/raw.wav" -r 16000 -c 1 -b 16 "$out" \
        silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse
}

while IFS='|' read -r id speaker _gap _text pinyin; do
    say "$WORK/$id.wav" "$speaker" "$pinyin"
done < "$WORK/script.txt"

say "$WORK/enrol_host.wav" host \
    "zhe4 kuan3 bei1 zi5 zhong4 liang4 hen3 qing1, bu4 xiu4 gang1 nei4 dan3, fang4 zai4 bao1 li3 hen3 fang1 bian4. xi3 huan1 de5 peng2 you3 ke3 yi3 dian3 ji1 xia4 fang1 lian4 jie1."
say "$WORK/enrol_guest.wav" guest \
    "wo3 yi3 jing1 yong4 le5 yi2 ge4 yue4, mei3 tian1 zao3 shang4 dai4 qu4 gong1 si1, xia4 wu3 shui3 hai2 shi4 re4 de5."

"$PY" - "$WORK" "$HERE" <<'PYEOF'
"""Mix the utterances on a timeline and write the references and the container variants."""
import json
import sys
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

work, here = Path(sys.argv[1]), Path(sys.argv[2])
RATE = 16000


def read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def speech_regions(samples: np.ndarray, min_gap_s: float = 0.3) -> list[tuple[float, float]]:
    """Speech regions of a clean synthetic utterance: 10 ms frames above -40 dBFS RMS, gaps
    shorter than min_gap_s bridged (the reference counts short stop closures as speech)."""
    hop = RATE // 100
    n = len(samples) // hop
    rms = np.sqrt(np.mean(samples[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    active = rms > 10 ** (-40 / 20)
    regions: list[list[float]] = []
    for i in np.flatnonzero(active):
        t0, t1 = i / 100, (i + 1) / 100
        if regions and t0 - regions[-1][1] < min_gap_s:
            regions[-1][1] = t1
        else:
            regions.append([t0, t1])
    return [(a, b) for a, b in regions]


lines = [line.split("|") for line in (work / "script.txt").read_text("utf-8").splitlines() if line]
placed = []
cursor = 0.0
for uid, speaker, gap, text, _pinyin in lines:
    audio = read(work / f"{uid}.wav")
    start = round(cursor + float(gap), 2)
    placed.append((uid, speaker, start, audio, text))
    cursor = start + len(audio) / RATE
total = cursor + 0.8
mix = np.zeros(int(total * RATE) + 1, dtype=np.float32)
utterances, rttm = [], []
for uid, speaker, start, audio, text in placed:
    i = int(round(start * RATE))
    mix[i : i + len(audio)] += audio
    end = round(start + len(audio) / RATE, 3)
    utterances.append({"id": uid, "speaker": speaker, "start": start, "end": end, "text": text})
    for a, b in speech_regions(audio):
        rttm.append((start + a, b - a, speaker))
mix *= 0.8 / max(1e-9, float(np.max(np.abs(mix))))
write_wav(work / "dialogue.wav", mix)
(here / "dialogue.json").write_text(
    json.dumps({"sample_rate": RATE, "duration_s": round(total, 3), "utterances": utterances},
               ensure_ascii=False, indent=1) + "\n", "utf-8")
(here / "dialogue.txt").write_text("".join(u["text"] + "\n" for u in utterances), "utf-8")
(here / "dialogue.rttm").write_text("".join(
    f"SPEAKER dialogue 1 {s:.3f} {d:.3f} <NA> <NA> {spk} <NA> <NA>\n" for s, d, spk in sorted(rttm)))

short = read(work / "u03.wav")
short = np.concatenate([np.zeros(RATE // 4, np.float32), short, np.zeros(RATE // 4, np.float32)])
write_wav(here / "short.wav", short * 0.8 / float(np.max(np.abs(short))))
rng = np.random.default_rng(0)
write_wav(work / "silence.wav", rng.normal(0, 10 ** (-70 / 20), 3 * RATE).astype(np.float32))
for name in ("enrol_host", "enrol_guest"):
    x = read(work / f"{name}.wav")
    write_wav(work / f"{name}.wav", x * 0.8 / float(np.max(np.abs(x))))


def encode(path: Path, samples: np.ndarray, with_video: bool) -> None:
    """AAC in an MP4-family container (M4A, or MP4 with a tiny MPEG-4 video track)."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with av.open(str(path), "w", format="mp4" if with_video else "ipod") as out:
        a = out.add_stream("aac", rate=RATE, layout="mono")
        a.bit_rate = 48000
        v = None
        if with_video:
            v = out.add_stream("mpeg4", rate=5)
            v.width, v.height, v.pix_fmt = 32, 32, "yuv420p"
            for k in range(int(len(samples) / RATE * 5) + 1):
                img = np.full((32, 32, 3), (k * 20) % 255, np.uint8)
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                frame.pts = k
                frame.time_base = Fraction(1, 5)
                out.mux(v.encode(frame))
            out.mux(v.encode())
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = 0
        frame.time_base = Fraction(1, RATE)
        out.mux(a.encode(frame))
        out.mux(a.encode())


encode(here / "short.m4a", read(here / "short.wav"), with_video=False)
encode(here / "short.mp4", read(here / "short.wav"), with_video=True)
(here / "corrupt.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(range(256)) * 8)
PYEOF

sox "$WORK/dialogue.wav" -C 8 "$HERE/dialogue.flac"
sox "$WORK/dialogue.wav" -C 48.2 "$HERE/dialogue.mp3"
sox "$HERE/short.wav" "$HERE/short.flac"
sox "$WORK/silence.wav" "$HERE/silence.flac"
sox "$WORK/enrol_host.wav" -C 8 "$HERE/enrol_host.flac"
sox "$WORK/enrol_guest.wav" -C 8 "$HERE/enrol_guest.flac"
du -ch "$HERE"/* | tail -1
