"""A synthetic journal for benchmarks: a lifetime of conferences, fast to build.

`generate(size, seed)` bulk-inserts events (some with days), speakers, talks
with ordered speakers, papers, booths, notes (70% Korean with particles and
English terms, about 500 characters) and tags, for several owners, public and
private. The search index is switched off during the inserts and rebuilt once
at the end. The same size and seed give the same journal.
"""

import datetime
import itertools
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from confjournal.search import index as search_index
from events.models import Booth, Event, Tag, TaggedItem
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker


@dataclass(frozen=True)
class Size:
    events: int
    sub_events: int
    speakers: int
    talks: int
    papers: int
    booths: int
    notes: int
    tags: int
    owners: int


SIZES = {
    "S": Size(20, 3, 15, 400, 300, 80, 1_000, 50, 3),
    "M": Size(200, 30, 150, 4_000, 3_000, 800, 10_000, 200, 4),
    "L": Size(2_000, 300, 1_500, 40_000, 30_000, 8_000, 100_000, 500, 5),
}

SERIES = [
    "NeurIPS", "ICML", "ICLR", "CVPR", "ACL", "EMNLP", "KDD", "AAAI", "Samsung AI Forum",
    "NAVER DEVIEW", "Korea AI Week", "KCC", "Army M&S Conference", "PyCon Korea", "if(kakao)",
]  # fmt: skip
PLACES = [
    ("New Orleans", "US", "America/Chicago"), ("Vancouver", "CA", "America/Vancouver"),
    ("Seoul", "KR", "Asia/Seoul"), ("Daejeon", "KR", "Asia/Seoul"), ("Busan", "KR", "Asia/Seoul"),
    ("Vienna", "AT", "Europe/Vienna"), ("Honolulu", "US", "Pacific/Honolulu"),
    ("Singapore", "SG", "Asia/Singapore"), ("Kigali", "RW", "Africa/Kigali"),
    ("Tokyo", "JP", "Asia/Tokyo"), ("Berlin", "DE", "Europe/Berlin"),
]  # fmt: skip
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신"]
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "현준", "지민", "예린", "태호", "수아"]
WESTERN = [
    "Yoshua", "Geoffrey", "Sebastian", "Daniel", "Alice", "Klaus", "Laurence", "Fei-Fei",
    "Chelsea", "Percy", "Yann", "Ilya", "Oriol", "Jürgen", "Hugo", "Sara",
]  # fmt: skip
SURNAMES = [
    "Bengio", "Hinton", "Seung", "Lee", "Oh", "Müller", "Moroney", "Li", "Finn", "Liang",
    "LeCun", "Sutskever", "Vinyals", "Schmidhuber", "Larochelle", "Hooker",
]  # fmt: skip
KOREAN_NOUNS = [
    "벤지오", "힌턴", "헤비안 러닝", "프루닝", "양자화", "경량화", "트랜스포머", "확산 모델",
    "강화학습", "표현 학습", "신경망", "베이지안 신경망", "추론 속도", "벤치마크", "에코백",
    "텀블러", "기념품", "채용 부스", "포스터 세션", "키노트", "패널 토론", "데이터 증강",
    "언어 모델", "멀티모달", "설명가능성", "로봇", "시뮬레이션", "국방", "반도체", "컴파일러",
    "연구실", "교수님", "발표자", "질문", "실험 결과", "코드", "논문", "강연", "데모", "부스",
]  # fmt: skip
ENGLISH_TERMS = [
    "Transformer", "LLM", "GPT-3", "diffusion", "pruning", "quantization", "RLHF", "LoRA",
    "benchmark", "inference", "attention", "AutoML", "AlphaCode", "forward-forward", "MLOps",
    "sparsity", "fine-tuning", "in-context learning", "ViT", "scaling law",
]  # fmt: skip
KOREAN_ENDINGS = [
    "{a} 다시 보게 만들었다.", "{a} 흥미로웠다.", "{a} 인상적이었다.", "{a} 설명했다.",
    "{a} 연결해서 이해할 수 있었다.", "{a} 더 공부해야겠다.", "{a} 질문이 많았다.",
    "{a} 직접 써 보고 싶다.", "{a} 기억에 남는다.", "{a} 생각보다 어려웠다.",
]  # fmt: skip
ENGLISH_SENTENCES = [
    "The talk on {t} was packed and the questions went on long after.",
    "I should try {t} on our own models next month.",
    "Their poster compared {t} with {u} on three benchmarks.",
    "Hallway conversation: everyone wants cheaper {t}.",
    "Slides promised {t} but the demo was mostly {u}.",
    "Key takeaway: {t} matters more than {u} at our scale.",
]  # fmt: skip
TAG_WORDS = [
    "pruning", "quantization", "경량화", "트랜스포머", "LLM", "diffusion", "확산모델", "RL",
    "강화학습", "XAI", "설명가능AI", "robotics", "vision", "NLP", "speech", "recsys", "MLOps",
    "hardware", "반도체", "defence", "국방", "swag", "recruiting", "채용", "keynote", "poster",
]  # fmt: skip


def _has_final_consonant(word):
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.lower() in "lmnr"


def _particle(word, with_final, without_final):
    return word + (with_final if _has_final_consonant(word) else without_final)


SYLLABLES = (
    "가나다라마바사아자차카타파하고노도로모보소오조초코토포호"
    "구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히"
)


class Writer:
    """Note bodies in the users' mix of Korean and English.

    Words are drawn from a Zipf-shaped vocabulary: the journal's real topics
    and speakers spread over the ranks of about two thousand other words, so a
    name like 벤지오 shows up in a few percent of notes, as it would.
    """

    def __init__(self, rng, speaker_names, extra_words=2000):
        self.rng = rng
        named = KOREAN_NOUNS + ENGLISH_TERMS + list(speaker_names[:100])
        filler = list(
            dict.fromkeys(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3, 3, 4])))
                for _ in range(extra_words)
            )
        )
        vocabulary, step = [], max(1, len(filler) // max(1, len(named)))
        for i, word in enumerate(filler):
            if i % step == 3 and named:
                vocabulary.append(named.pop(0))
            vocabulary.append(word)
        vocabulary.extend(named)
        self.vocabulary = vocabulary
        self.cum_weights = list(
            itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1))
        )

    def word(self):
        return self.rng.choices(self.vocabulary, cum_weights=self.cum_weights)[0]

    def korean_sentence(self):
        rng = self.rng
        subject, topic = self.word(), self.word()
        start = rng.choice(
            [
                f"{_particle(subject, '의', '의')} {_particle(topic, '은', '는')}",
                f"{_particle(subject, '은', '는')} {_particle(topic, '을', '를')}",
                f"{_particle(subject, '과', '와')} {_particle(topic, '이', '가')}",
                f"{_particle(topic, '에서', '에서')} {_particle(subject, '이', '가')}",
            ]
        )
        return rng.choice(KOREAN_ENDINGS).format(a=start)

    def english_sentence(self):
        t, u = self.rng.choice(ENGLISH_TERMS), self.word()
        return self.rng.choice(ENGLISH_SENTENCES).format(t=t, u=u)

    def body(self, korean, length=500):
        sentences, size = [], 0
        while size < length:
            sentence = self.korean_sentence() if korean else self.english_sentence()
            sentences.append(sentence)
            size += len(sentence) + 1
        return " ".join(sentences)


def generate(size="S", seed=1, progress=None):
    """Build a journal of `size` ("S", "M" or "L") into the default database.

    Returns a dict of counts and the seconds each step took.
    """
    spec = SIZES[size]
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    timings, started = {}, time.perf_counter()

    def step(name):
        nonlocal started
        now = time.perf_counter()
        timings[name] = round(now - started, 2)
        started = now
        if progress:
            progress(name)

    # Bulk inserts run without the search triggers; the index is built once after.
    search_index.drop(connection.alias)
    try:
        counts = _insert(spec, rng, seed, step)
    finally:
        search_index.rebuild(connection.alias)
    step("search index")
    if connection.vendor == "postgresql":
        # Planner statistics for the freshly loaded tables: without them PostgreSQL
        # plans the searches for empty tables until autovacuum gets round to it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("analyze")
    counts["seconds"] = timings
    return counts


def _insert(spec, rng, seed, step):
    with transaction.atomic():
        users = get_user_model()
        password = make_password(None)
        owners = users.objects.bulk_create(
            [users(username=f"bench-{seed}-{i}", password=password) for i in range(spec.owners)]
        )
        tags = Tag.objects.bulk_create(
            [
                Tag(name=f"{TAG_WORDS[i % len(TAG_WORDS)]}-{i}", slug=f"topic-{seed}-{i}")
                for i in range(spec.tags)
            ]
        )
        step("users and tags")

        roots = []
        for i in range(spec.events - spec.sub_events):
            series = SERIES[i % len(SERIES)]
            year = 2000 + (i * 27) // max(1, spec.events - spec.sub_events)
            start = datetime.date(year, 1 + rng.randrange(12), 1 + rng.randrange(25))
            city, country, zone = rng.choice(PLACES)
            roots.append(
                Event(
                    name=f"{series} {year} #{i}",
                    slug=f"bench-{seed}-{i}",
                    series=series,
                    kind=rng.choice(["conference", "forum", "workshop", "summit", "meetup"]),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randrange(4)),
                    city=city,
                    country=country,
                    time_zone=zone,
                    visibility="private" if rng.random() < 0.1 else "public",
                    owner=rng.choice(owners),
                )
            )
        roots = Event.objects.bulk_create(roots, batch_size=1000)
        parents = rng.sample(roots, min(len(roots), max(1, spec.sub_events // 2)))
        children = []
        for i in range(spec.sub_events):
            parent = parents[i % len(parents)]
            children.append(
                Event(
                    name=f"Day {i % 3 + 1} · {parent.name}",
                    slug=f"bench-{seed}-day-{i}",
                    kind=parent.kind,
                    parent=parent,
                    start_date=parent.start_date,
                    end_date=parent.start_date,
                    city=parent.city,
                    country=parent.country,
                    time_zone=parent.time_zone,
                    visibility="private" if rng.random() < 0.1 else "public",
                    owner=parent.owner,
                )
            )
        events = roots + Event.objects.bulk_create(children, batch_size=1000)
        step("events")

        speakers = []
        for i in range(spec.speakers):
            if i % 2:
                name = f"{rng.choice(FAMILY)}{rng.choice(GIVEN)}"
                aliases = ""
            else:
                name = f"{rng.choice(WESTERN)} {rng.choice(SURNAMES)}"
                aliases = f"{rng.choice(FAMILY)}{rng.choice(GIVEN)}" if rng.random() < 0.3 else ""
            speakers.append(Speaker(name=f"{name} {i}", slug=f"bench-{seed}-s{i}", aliases=aliases))
        speakers = Speaker.objects.bulk_create(speakers, batch_size=2000)
        step("speakers")

        abstracts = Writer(rng, [])
        # The first event holds a full 300-talk programme (the pretalx comparison's
        # size); the rest get a skewed share, the busiest ones spread across years.
        ranks = list(range(1, len(events)))
        rng.shuffle(ranks)
        shares = [1 / rank**0.6 for rank in ranks]
        weights, talk_weights = [1.0, *shares], [0.0, *shares]
        talks = []
        for i in range(spec.talks):
            first = i < min(300, spec.talks // 4)
            event = events[0] if first else rng.choices(events, talk_weights)[0]
            talks.append(
                Talk(
                    event=event,
                    title=f"{rng.choice(ENGLISH_TERMS)} {rng.choice(KOREAN_NOUNS)} #{i}",
                    kind=rng.choice(["keynote", "invited", "oral", "spotlight", "panel", "demo"]),
                    date=event.start_date,
                    room=f"Hall {'ABCDE'[i % 5]}",
                    abstract=abstracts.body(korean=rng.random() < 0.5, length=200),
                    attended=rng.random() < 0.8,
                    rating=rng.choice([None, None, 3, 4, 5]),
                )
            )
        talks = Talk.objects.bulk_create(talks, batch_size=2000)
        links = []
        for talk in talks:
            for position, speaker in enumerate(rng.sample(speakers, rng.choice([1, 1, 1, 2, 3]))):
                links.append(TalkSpeaker(talk=talk, speaker=speaker, position=position))
        TalkSpeaker.objects.bulk_create(links, batch_size=5000)
        step("talks")

        by_event = {}
        for talk in talks:
            by_event.setdefault(talk.event_id, []).append(talk)
        papers = Paper.objects.bulk_create(
            [
                Paper(
                    event=(event := rng.choices(events, weights)[0]),
                    title=f"On {rng.choice(ENGLISH_TERMS)} and {rng.choice(ENGLISH_TERMS)} #{i}",
                    authors="\n".join(s.name for s in rng.sample(speakers, 3)),
                    presentation=rng.choice(["poster", "oral", "spotlight", "workshop"]),
                    session=f"#{rng.randrange(1, 3000)}",
                )
                for i in range(spec.papers)
            ],
            batch_size=2000,
        )
        booths = Booth.objects.bulk_create(
            [
                Booth(
                    event=rng.choices(events, weights)[0],
                    organization=f"{rng.choice(['NAVER', 'LG', 'Samsung', 'Kakao', 'Google'])} {i}",
                    kind=rng.choice(["company", "startup", "university", "recruiting"]),
                    showcase=f"{rng.choice(ENGLISH_TERMS)} demo",
                    swag=rng.choice(["에코백", "텀블러", "모자", "펜", ""]),
                )
                for i in range(spec.booths)
            ],
            batch_size=2000,
        )
        step("papers and booths")

        writer = Writer(rng, [s.name.rsplit(" ", 1)[0] for s in speakers[1::2]])
        notes = []
        for i in range(spec.notes):
            event = rng.choices(events, weights)[0]
            talk = rng.choice(by_event[event.pk]) if event.pk in by_event and i % 3 == 0 else None
            notes.append(
                Note(
                    event=event,
                    talk=talk,
                    owner=rng.choice(owners),
                    title=f"{event.series or event.name} 메모 {i}" if i % 4 == 0 else "",
                    body=writer.body(korean=rng.random() < 0.7),
                    visibility="public" if rng.random() < 0.6 else "private",
                )
            )
        notes = Note.objects.bulk_create(notes, batch_size=2000)
        step("notes")

        items = []
        for model, records in [
            (Event, events),
            (Talk, talks),
            (Paper, papers),
            (Booth, booths),
            (Note, notes),
        ]:
            content_type = ContentType.objects.get_for_model(model)
            for record in records:
                for tag in rng.sample(tags, rng.choice([0, 1, 1, 2, 3])):
                    items.append(
                        TaggedItem(tag=tag, content_type=content_type, object_id=record.pk)
                    )
        TaggedItem.objects.bulk_create(items, batch_size=5000)
        step("tags")

    return {
        "events": len(events),
        "speakers": len(speakers),
        "talks": len(talks),
        "papers": len(papers),
        "booths": len(booths),
        "notes": len(notes),
        "tags": len(tags),
        "tagged items": len(items),
    }
