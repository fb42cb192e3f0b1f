"""The demo journal: a few real events (see FACTS.md), as plain data, and its loader.

`load_demo()` creates or updates every record by its natural key and writes only
what differs, so running it again changes nothing:

- Event by slug, Speaker by slug,
- Talk and Paper by (event, title), Booth by (event, organization),
- Note by (event, owner, title) — every demo note has a title,
- Photo by (event, owner, alt text).

The demo's photos are pictures drawn with Pillow when a photo is first created
(no image file in the repository, nothing fetched), then stored through the same
pipeline as an upload (`events.photos.process` and `store`); a photo that exists
is never drawn again.

Everything goes through `full_clean()` first, so the models' own rules apply.
Where FACTS.md gives no date, the dates below are assumptions, marked as such.
"""

import datetime
import io
import textwrap
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from confjournal.text import make_slug, nfc
from events import photos
from events.models import Booth, Event, Photo
from talks.models import Note, Paper, Speaker, Talk

DEMO_OWNER = "demo"

D = datetime.date
T = datetime.time


def md(text):
    """A Markdown block written indented in this file, dedented and trimmed."""
    return textwrap.dedent(text).strip()


# --------------------------------------------------------------------------- speakers

SPEAKERS = [
    {
        "slug": "alice-oh",
        "name": "Alice Oh",
        "affiliation": "KAIST",
    },
    {
        "slug": "geoffrey-hinton",
        "name": "Geoffrey Hinton",
        "affiliation": "University of Toronto",
    },
    {
        "slug": "yoshua-bengio",
        "name": "Yoshua Bengio",
        "aliases": "요슈아 벤지오\n벤지오",
        "affiliation": "Mila, Université de Montréal",
    },
    {
        "slug": "sebastian-seung",
        "name": "Sebastian Seung",
        "aliases": "승현준",
        "affiliation": "Samsung Research",
    },
    {
        "slug": "daniel-lee",
        "name": "Daniel Lee",
    },
    {
        "slug": "klaus-robert-muller",
        "name": "Klaus-Robert Müller",
        "aliases": "Klaus-Robert Mueller",
        "affiliation": "TU Berlin",
    },
]


# --------------------------------------------------------------------------- events
#
# Each event carries its own talks, papers, booths and notes. A note names what it
# is about with "talk" (a title), "paper" (a title) or "booth" (an organization) of
# the same event. Parents come before their days and side events.

NEURIPS_2022 = {
    "slug": "neurips-2022",
    "name": "NeurIPS 2022",
    "series": "NeurIPS",
    "kind": Event.Kind.CONFERENCE,
    "start_date": D(2022, 11, 28),
    "end_date": D(2022, 12, 1),
    "venue": "Ernest N. Morial Convention Center",
    "city": "New Orleans",
    "country": "US",
    "website": "https://neurips.cc/Conferences/2022",
    "summary": md(
        """
        The 36th NeurIPS. These dates are the in-person week in New Orleans; the
        virtual programme carried on for a while afterwards. Roughly 10k people
        registered and around 2,900 papers made it in.

        - **Monday**: expo day (company workshops, talk panels and demos)
        - **Monday to Thursday**: company booths in the exhibit hall
        - **Every day**: two-hour poster blocks
        - **Evenings**: socials and company dinners
        """
    ),
    "tags": ["machine-learning", "conference", "경량화"],
    "talks": [
        {
            "title": "Interaction-Centric AI",
            "kind": Talk.Kind.INVITED,
            "speakers": ["alice-oh"],
            "room": "Main hall",
            "abstract": md(
                """
                After data-centric and model-centric AI: evaluate models by the way
                people actually interact with them.
                """
            ),
            "rating": 5,
            "tags": ["HCI", "evaluation"],
        },
        {
            "title": "The Forward-Forward Algorithm",
            "kind": Talk.Kind.INVITED,
            "speakers": ["geoffrey-hinton"],
            "room": "Main hall",
            "abstract": md(
                """
                Learning without a backward pass: two forward passes, one on positive
                and one on negative data, each layer pushing its own "goodness" up or
                down.
                """
            ),
            "rating": 5,
            "tags": ["forward-forward", "learning-algorithms", "backpropagation"],
        },
        {
            "title": "Apple expo session",
            "kind": Talk.Kind.EXPO,
            "date": D(2022, 11, 28),
            "room": "Expo",
            "tags": ["expo"],
        },
        {
            "title": "AutoGluon: AutoML for tabular data",
            "kind": Talk.Kind.DEMO,
            "date": D(2022, 11, 28),
            "room": "Expo",
            "abstract": "Amazon's expo demonstration of AutoGluon on tabular datasets.",
            "tags": ["expo", "AutoML", "tabular-data"],
        },
        {
            "title": "Meta AI expo session",
            "kind": Talk.Kind.EXPO,
            "date": D(2022, 11, 28),
            "room": "Expo",
            "tags": ["expo"],
        },
        {
            "title": "Reduced-order modelling with MATLAB for MLOps",
            "kind": Talk.Kind.DEMO,
            "date": D(2022, 11, 28),
            "room": "Expo",
            "abstract": "MathWorks: a MATLAB tool for reduced-order models, pitched for MLOps.",
            "tags": ["expo", "MLOps", "MATLAB"],
        },
    ],
    # Titles and arXiv ids checked against the papers' own pages; ids left blank
    # where not verified.
    "papers": [
        {
            "title": "WoodFisher: Efficient Second-Order Approximation for Neural Network "
            "Compression",
            "authors": "Sidak Pal Singh\nDan Alistarh",
            # A NeurIPS 2020 paper, noted as the background of this year's pruning work.
            "presentation": Paper.Presentation.OTHER,
            "arxiv_id": "2004.14340",
            "abstract": "Second-order (inverse Hessian) estimates to pick the weights to prune.",
            "tags": ["pruning", "second-order"],
        },
        {
            "title": "A Fast Post-Training Pruning Framework for Transformers",
            "authors": "Woosuk Kwon\nSehoon Kim\nMichael W. Mahoney\nJoseph Hassoun\n"
            "Kurt Keutzer\nAmir Gholami",
            "arxiv_id": "2204.09656",
            "abstract": "Structured pruning of a trained Transformer with no retraining at all.",
            "tags": ["pruning", "transformers", "프루닝"],
        },
        {
            "title": "Recall Distortion in Neural Network Pruning and the Undecayed Pruning "
            "Algorithm",
            "tags": ["pruning"],
        },
        {
            "title": "Beyond neural scaling laws: beating power law scaling via data pruning",
            "authors": "Ben Sorscher\nRobert Geirhos\nShashank Shekhar\nSurya Ganguli\nAri Morcos",
            "arxiv_id": "2206.14486",
            "abstract": "Pruning the training set, not the network, to bend the scaling curve.",
            "tags": ["pruning", "scaling-laws", "data-pruning"],
        },
        {
            "title": "Deep Compression of Pre-trained Transformer Models",
            "authors": "Naigang Wang\nChi-Chun Liu\nSwagath Venkataramani\nSanchari Sen\n"
            "Chia-Yu Chen\nKaoutar El Maghraoui\nVijayalakshmi Srinivasan\nLeland Chang",
            "abstract": "2:4 structured sparsity (half the weights pruned) on top of INT4 weights.",
            "tags": ["quantization", "pruning", "transformers", "경량화"],
        },
        {
            "title": "Block-Recurrent Transformers",
            "authors": "DeLesley Hutchins\nImanol Schlag\nYuhuai Wu\nEthan Dyer\nBehnam Neyshabur",
            "arxiv_id": "2203.07852",
            "abstract": "A Transformer layer applied recurrently over blocks of tokens.",
            "tags": ["efficient-transformers", "transformers"],
        },
        {
            "title": "EcoFormer: Energy-Saving Attention with Linear Complexity",
            "authors": "Jing Liu\nZizheng Pan\nHaoyu He\nJianfei Cai\nBohan Zhuang",
            "arxiv_id": "2209.09004",
            "abstract": "Queries and keys hashed to binary codes, giving attention in linear time.",
            "tags": ["efficient-transformers", "hashing", "경량화"],
        },
        {
            "title": "AdaptFormer: Adapting Vision Transformers for Scalable Visual Recognition",
            "authors": "Shoufa Chen\nChongjian Ge\nZhan Tong\nJiangliu Wang\nYibing Song\n"
            "Jue Wang\nPing Luo",
            "arxiv_id": "2205.13535",
            "abstract": "Small adapter modules next to the MLPs of a frozen ViT.",
            "tags": ["fine-tuning", "vision-transformers", "PEFT"],
        },
        {
            "title": "Scaling & Shifting Your Features: A New Baseline for Efficient Model Tuning",
            "authors": "Dongze Lian\nDaquan Zhou\nJiashi Feng\nXinchao Wang",
            "arxiv_id": "2210.08823",
            "abstract": "One learned scale and shift per feature, folded into the weights later.",
            "tags": ["fine-tuning", "PEFT"],
        },
        {
            "title": "Low-Rank Lottery Tickets: finding efficient low-rank neural networks via "
            "matrix differential equations",
            "tags": ["low-rank", "lottery-ticket"],
        },
        {
            "title": "Model Preserving Compression for Neural Networks",
            "tags": ["low-rank", "compression"],
        },
        {
            "title": "What Can Transformers Learn In-Context? A Case Study of Simple Function "
            "Classes",
            "authors": "Shivam Garg\nDimitris Tsipras\nPercy Liang\nGregory Valiant",
            "arxiv_id": "2208.01066",
            "tags": ["transformers", "in-context-learning"],
        },
        {
            "title": "Large Language Models are Zero-Shot Reasoners",
            "authors": "Takeshi Kojima\nShixiang Shane Gu\nMachel Reid\nYutaka Matsuo\n"
            "Yusuke Iwasawa",
            "arxiv_id": "2205.11916",
            "abstract": 'Adding "Let\'s think step by step" to the prompt, with no examples.',
            "tags": ["LLM", "reasoning", "transformers"],
        },
        {
            "title": "Understanding and Improving Robustness of Vision Transformers through "
            "Patch-based Negative Augmentation",
            "tags": ["vision-transformers", "robustness"],
        },
    ],
    "booths": [
        {"organization": "Google", "location": "Exhibit hall"},
        {"organization": "Microsoft", "location": "Exhibit hall"},
        {"organization": "Apple", "location": "Exhibit hall"},
        {"organization": "IBM", "location": "Exhibit hall"},
        {
            "organization": "Disney",
            "location": "Exhibit hall",
            "swag": "A cap and an eco bag",
            "tags": ["swag", "굿즈"],
        },
        {
            "organization": "NAVER",
            "location": "Exhibit hall",
            "swag": "NAVER goods",
            "tags": ["swag", "굿즈"],
        },
        {
            "organization": "LG",
            "location": "Exhibit hall",
            "swag": "LG goods",
            "tags": ["swag", "굿즈"],
        },
        {"organization": "Samsung", "location": "Exhibit hall"},
        {"organization": "Qualcomm AI Research", "location": "Exhibit hall"},
        {"organization": "Meta AI", "location": "Exhibit hall"},
        {"organization": "Amazon Science", "location": "Exhibit hall"},
        {
            "organization": "DeepMind",
            "location": "Exhibit hall",
            "showcase": "AlphaCode, a model that writes programs from a problem statement",
            "tags": ["AlphaCode", "code-generation"],
        },
    ],
    "notes": [
        {
            "title": "포스터 세션: 트랜스포머 경량화 논문 정리",
            "visibility": "public",
            "body": md(
                """
                포스터 세션에서 트랜스포머 경량화와 프루닝 논문을 많이 봤다.

                주제별로 다시 묶어 보면:

                - **Pruning**: retraining 없는 post-training pruning, 모델 대신 data를
                  pruning해서 scaling law를 넘어서는 연구
                - **Quantization + pruning**: INT4에 2:4 sparsity까지 얹은 압축
                - **Efficient attention**: Block-Recurrent Transformer, hashing을 쓰는
                  EcoFormer
                - **Efficient fine-tuning**: AdaptFormer, SSF
                - **Low-rank**: lottery ticket을 low-rank로 찾는 연구

                먼저 읽을 것: [AdaptFormer](https://arxiv.org/abs/2205.13535),
                [Block-Recurrent Transformers](https://arxiv.org/abs/2203.07852)
                """
            ),
            "tags": ["경량화", "pruning", "quantization", "efficient-transformers"],
        },
        {
            "title": "힌튼 교수님의 Forward-Forward",
            "talk": "The Forward-Forward Algorithm",
            "visibility": "public",
            "body": md(
                """
                backprop의 forward + backward 대신 **forward pass만 두 번** 돌린다.

                1. positive data(실제 데이터)로 한 번, negative data로 한 번
                2. layer마다 activation 제곱합으로 goodness를 재서 positive는 올리고
                   negative는 내린다
                3. negative pass를 따로 떼어 offline으로 돌릴 수 있다면, 네트워크에도
                   잠자는 시간 같은 단계가 필요할 수 있다는 이야기가 제일 기억에 남는다

                나중에 나온 논문: [arXiv 2212.13345](https://arxiv.org/abs/2212.13345)
                """
            ),
            "tags": ["forward-forward", "backpropagation"],
        },
        {
            "title": "Interaction-centric AI",
            "talk": "Interaction-Centric AI",
            "visibility": "public",
            "body": md(
                """
                KAIST 교수님의 invited talk. data-centric, model-centric 다음으로
                **interaction-centric AI**를 제안했다. benchmark 점수보다 사람이 모델을
                실제로 어떻게 쓰는지를 보고 모델을 평가하자는 관점.
                """
            ),
            "tags": ["HCI", "evaluation"],
        },
        {
            "title": "Expo day",
            "visibility": "public",
            "body": md(
                """
                The first day belonged to the companies: expo workshops, talk panels and
                demonstrations.

                - **Amazon** — [AutoGluon](https://auto.gluon.ai), AutoML for tabular data
                - **MathWorks** — reduced-order models built in MATLAB, sold as an MLOps step
                - **Apple** and **Meta AI** — their own expo sessions
                """
            ),
            "tags": ["expo", "AutoML", "MLOps"],
        },
        {
            "title": "디즈니 부스",
            "booth": "Disney",
            "visibility": "public",
            "body": "디즈니 부스에서 받은 모자와 에코백이 제일 마음에 들었다.",
            "tags": ["swag", "굿즈"],
        },
        {
            "title": "AlphaCode at the DeepMind booth",
            "booth": "DeepMind",
            "visibility": "public",
            "body": md(
                """
                The DeepMind stand was presenting **AlphaCode**, which writes whole programs
                from a problem description. I got one question in, in English, which felt
                like a small win.
                """
            ),
            "tags": ["AlphaCode", "code-generation"],
        },
        {
            "title": "Socials",
            "visibility": "public",
            "body": md(
                """
                Evenings were for socials:

                - wine and a talent show
                - a K-pop social, hosted by a Korean host
                """
            ),
            "tags": ["social"],
        },
        {
            "title": "우리 회사 포스터",
            "visibility": "private",
            "body": md(
                """
                회사 논문이 포스터로 나가서 동료들과 번갈아 포스터 앞을 지켰다.

                - 받은 질문은 정리해서 팀 채널에 공유하기
                - 저녁은 논문 저자들 대상 회사 디너
                """
            ),
            "tags": ["poster", "team"],
        },
    ],
}

SAMSUNG_AI_FORUM_2022 = {
    "slug": "samsung-ai-forum-2022",
    "name": "Samsung AI Forum 2022",
    "series": "Samsung AI Forum",
    "kind": Event.Kind.FORUM,
    "start_date": D(2022, 11, 8),
    "end_date": D(2022, 11, 9),
    "city": "Seoul",
    "country": "KR",
    "organizer": "Samsung Electronics",
    "summary": md(
        """
        Samsung's yearly AI forum, on two days in two places, each run by a
        different Samsung lab: a hotel ballroom at COEX first, then the R&D campus
        in Yangjae.
        """
    ),
    "tags": ["samsung", "forum"],
}

SAMSUNG_AI_FORUM_2022_DAY_1 = {
    "slug": "samsung-ai-forum-2022-day-1",
    "name": "Day 1 · COEX",
    "parent": "samsung-ai-forum-2022",
    "series": "Samsung AI Forum",
    "kind": Event.Kind.FORUM,
    "start_date": D(2022, 11, 8),
    "end_date": D(2022, 11, 8),
    "venue": "Grand Ballroom, InterContinental COEX",
    "city": "Seoul",
    "country": "KR",
    "organizer": "Samsung Advanced Institute of Technology (SAIT)",
    "summary": md(
        """
        등록 줄이 정말 길었다. 등록하면 Lamy 볼펜을 색 랜덤으로 하나씩 줬다.

        - 로비: SNU, KAIST, KIAS의 CVPR/NeurIPS 논문 포스터
        - 오전: Bengio keynote
        - 오후: system, 반도체 공정 관련 발표
        """
    ),
    "tags": ["samsung", "SAIT"],
    "talks": [
        {
            "title": "Bayesian neural networks: following many modes",
            "kind": Talk.Kind.KEYNOTE,
            "speakers": ["yoshua-bengio"],
            "date": D(2022, 11, 8),
            "room": "Grand Ballroom",
            "abstract": md(
                """
                Instead of settling on whichever single solution training happens to land
                in, keep track of many modes of the posterior.
                """
            ),
            "rating": 5,
            "tags": ["bayesian", "베이지안", "deep-learning"],
        },
        {
            "title": "Afternoon session: systems and semiconductor process",
            "kind": Talk.Kind.OTHER,
            "date": D(2022, 11, 8),
            "room": "Grand Ballroom",
            "tags": ["systems", "semiconductor"],
        },
    ],
    "booths": [
        {
            "organization": "SAIT recruiting",
            "kind": Booth.Kind.RECRUITING,
            "location": "Ballroom foyer",
            "tags": ["recruiting"],
        },
    ],
    "notes": [
        {
            "title": "벤지오 교수님 keynote",
            "talk": "Bayesian neural networks: following many modes",
            "visibility": "public",
            "body": md(
                """
                벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다.

                학습이 우연히 도착한 해 하나에 만족하지 말고, 여러 mode를 함께 들고
                가야 한다는 것이 핵심. uncertainty를 다루는 방식으로 다시 공부해 볼 것.
                """
            ),
            "tags": ["bayesian", "베이지안"],
        },
        {
            "title": "채용 부스 대화",
            "booth": "SAIT recruiting",
            "visibility": "private",
            "body": md(
                """
                채용 부스에서 들은 이야기는 공개하지 않는다. 팀 분위기와 채용 일정에
                대해 들은 내용은 여기에만 적어 둔다.

                - 관심 있는 팀에 메일 다시 보내기
                - 포트폴리오 정리
                """
            ),
            "tags": ["recruiting", "career"],
        },
    ],
}

SAMSUNG_AI_FORUM_2022_DAY_2 = {
    "slug": "samsung-ai-forum-2022-day-2",
    "name": "Day 2 · Yangjae",
    "parent": "samsung-ai-forum-2022",
    "series": "Samsung AI Forum",
    "kind": Event.Kind.FORUM,
    "start_date": D(2022, 11, 9),
    "end_date": D(2022, 11, 9),
    "venue": "Samsung R&D Campus, Yangjae",
    "city": "Seoul",
    "country": "KR",
    "organizer": "Samsung Research",
    "summary": md(
        """
        Held in a campus building that designers normally use. Machine interpretation
        ran live as subtitles under the main screen.

        - Sebastian Seung on unsupervised representation learning
        - two talks about GPT-3
        - panel discussions with the day's speakers
        - a stamp tour across the demo booths
        """
    ),
    "tags": ["samsung", "Samsung Research"],
    "talks": [
        {
            "title": "Unsupervised representation learning with stacked Hebbian learning",
            "kind": Talk.Kind.KEYNOTE,
            "speakers": ["sebastian-seung"],
            "date": D(2022, 11, 9),
            "abstract": md(
                """
                Hebbian learning as a way to learn representations without labels, and
                what happens when such layers are stacked.
                """
            ),
            "rating": 4,
            "tags": ["hebbian-learning", "representation-learning", "unsupervised-learning"],
        },
        {
            "title": "GPT-3 talk, part 1",
            "kind": Talk.Kind.INVITED,
            "date": D(2022, 11, 9),
            "tags": ["GPT-3", "LLM"],
        },
        {
            "title": "GPT-3 talk, part 2",
            "kind": Talk.Kind.INVITED,
            "date": D(2022, 11, 9),
            "tags": ["GPT-3", "LLM"],
        },
        {
            "title": "Panel discussion with the speakers",
            "kind": Talk.Kind.PANEL,
            "speakers": ["sebastian-seung", "daniel-lee"],
            "date": D(2022, 11, 9),
            "tags": ["panel"],
        },
    ],
    "booths": [
        {
            "organization": "Samsung Research",
            "location": "Demo booths",
            "showcase": "Research demos, with a stamp to collect at each booth",
            "swag": "Eco bag, tumbler; a T-shirt for a full card of stamps",
            "tags": ["swag", "굿즈", "stamp-tour"],
        },
        {
            "organization": "Samsung Research recruiting",
            "kind": Booth.Kind.RECRUITING,
            "swag": "Pen",
            "tags": ["recruiting", "swag"],
        },
    ],
    "notes": [
        {
            "title": "승현준 소장님 강연",
            "talk": "Unsupervised representation learning with stacked Hebbian learning",
            "visibility": "public",
            "body": md(
                """
                승현준 소장님은 헤비안 러닝을 표현 학습과 연결해서 설명했다.

                - label 없이 representation을 배우는 unsupervised learning 관점
                - Hebbian learning layer를 여러 층 쌓는 stacked Hebbian learning
                - 화면 아래 동시통역 자막 덕분에 따라가기 쉬웠다
                """
            ),
            "tags": ["hebbian-learning", "representation-learning"],
        },
        {
            "title": "Day 2 굿즈",
            "booth": "Samsung Research",
            "visibility": "public",
            "body": md(
                """
                Day 2에 챙긴 것들:

                - 에코백, 텀블러
                - 채용팀 볼펜
                - 데모 부스 도장을 전부 모아서 받은 티셔츠
                """
            ),
            "tags": ["swag", "굿즈"],
        },
        {
            "title": "GPT-3 talks, rough notes",
            "talk": "GPT-3 talk, part 1",
            "visibility": "private",
            "body": md(
                """
                Rough notes from both GPT-3 talks, to tidy up before sharing:

                - compare with what was shown at NeurIPS on zero-shot reasoning
                - ask the team whether anyone kept the slides
                """
            ),
            "tags": ["GPT-3", "LLM"],
        },
    ],
}

# FACTS.md says "July 2023" without a day: the date below is an assumption.
KOREA_AI_WEEK_2023 = {
    "name": "대한민국 인공지능위크 2023",
    "series": "대한민국 인공지능위크",
    "kind": Event.Kind.SUMMIT,
    "start_date": D(2023, 7, 13),
    "end_date": D(2023, 7, 13),
    "city": "Seoul",
    "country": "KR",
    "summary": md(
        """
        초대받은 사람만 들어가는 행사로, Google이 공동 주최했다. 아주 넓은 스크린에서
        Google의 AI 작업(Bard)과 산학협력 사례 발표가 이어졌다.
        """
    ),
    "tags": ["Korea AI Week", "Google", "generative-AI"],
    "talks": [
        {
            "title": "Google's AI work: Bard",
            "kind": Talk.Kind.KEYNOTE,
            "date": D(2023, 7, 13),
            "tags": ["Bard", "LLM", "Google"],
        },
        {
            "title": "Industry-academia collaboration cases",
            "kind": Talk.Kind.INVITED,
            "date": D(2023, 7, 13),
            "abstract": "Cases of companies working with universities; DreamBooth came up.",
            "tags": ["DreamBooth", "diffusion"],
        },
    ],
    "booths": [
        {
            "organization": "Google ML Bootcamp",
            "kind": Booth.Kind.COMMUNITY,
            "tags": ["Google", "community"],
        },
        {
            "organization": "Diffusion-art card game",
            "kind": Booth.Kind.STARTUP,
            "showcase": "A card game whose cards are illustrated with diffusion-model art",
            "tags": ["diffusion", "game"],
        },
        {
            "organization": "Geekble",
            "kind": Booth.Kind.STARTUP,
            "showcase": "An LLM that mixes a perfume to match your mood",
            "tags": ["LLM"],
        },
        {
            "organization": "Kakao Brain",
            "showcase": "Karlo, the text-to-image model",
            "tags": ["Karlo", "diffusion"],
        },
    ],
    "notes": [
        {
            "title": "Kakao Brain Karlo 부스",
            "booth": "Kakao Brain",
            "visibility": "public",
            "body": md(
                """
                Karlo 데모를 보다가 부스 담당자와 **diffusion model** 이야기를 한참 했다.
                연구하는 사람 입장에서 제일 재미있었던 부스.
                """
            ),
            "tags": ["diffusion", "Karlo"],
        },
        {
            "title": "Geekble 향수 부스",
            "booth": "Geekble",
            "visibility": "public",
            "body": "LLM이 그날 기분에 맞춰 향수를 조합해 준다는데, 줄이 너무 길어서 포기했다.",
            "tags": ["LLM"],
        },
        {
            "title": "Google 발표",
            "talk": "Google's AI work: Bard",
            "visibility": "public",
            "body": md(
                """
                Bard 소개와 Google의 최근 AI 작업. 산학협력 세션에서는
                [DreamBooth](https://dreambooth.github.io)도 잠깐 언급됐다.
                """
            ),
            "tags": ["Bard", "DreamBooth"],
        },
    ],
}

KOREA_AI_WEEK_2023_SLUG = make_slug(KOREA_AI_WEEK_2023["name"], max_length=120)

ML_BOOTCAMP_MEETUP_2023 = {
    "slug": "google-ml-bootcamp-alumni-meetup-2023",
    "name": "Google ML Bootcamp alumni meetup",
    "parent": KOREA_AI_WEEK_2023_SLUG,
    "kind": Event.Kind.MEETUP,
    "start_date": D(2023, 7, 13),
    "end_date": D(2023, 7, 13),
    "city": "Seoul",
    "country": "KR",
    "role": Event.Role.SPEAKER,
    "summary": md(
        """
        인공지능위크 사이드 이벤트. 16시부터 부트캠프 수료생들이 자기소개 슬라이드를
        한 장씩 들고 모였다.
        """
    ),
    "tags": ["Google ML Bootcamp", "community"],
    "talks": [
        {
            "title": "From drawing to diffusion-model research",
            "kind": Talk.Kind.MEETUP,
            "date": D(2023, 7, 13),
            "start_time": T(16, 0),
            "is_mine": True,
            "abstract": "How I went from drawing pictures to doing research on diffusion models.",
            "tags": ["diffusion", "career"],
        },
    ],
    "notes": [
        {
            "title": "발표 후기",
            "talk": "From drawing to diffusion-model research",
            "visibility": "public",
            "body": md(
                """
                그림을 그리던 내가 어떻게 **diffusion model 연구**까지 오게 됐는지 발표했다.

                - 다들 자기소개 슬라이드를 한 장씩 준비해 왔다
                - 끝나고 Laurence Moroney, 부트캠프 리드와 함께 사진
                """
            ),
            "tags": ["diffusion", "career"],
        },
    ],
}

# FACTS.md gives no date for this conference: the dates below are an assumption.
ARMY_MS_CONFERENCE = {
    "slug": "army-ms-international-conference",
    "name": "Army M&S International Conference",
    "series": "Army M&S International Conference",
    "kind": Event.Kind.CONFERENCE,
    "start_date": D(2023, 10, 12),
    "end_date": D(2023, 10, 13),
    "venue": "Daejeon Convention Center",
    "city": "Daejeon",
    "country": "KR",
    "visibility": "private",
    "summary": "Defence modelling and simulation (M&S).",
    "tags": ["M&S", "국방", "설명가능AI"],
    "notes": [
        {
            "title": "국방 M&S 학회 메모",
            "visibility": "private",
            "body": md(
                """
                청중 대부분이 소령 이상 장교였고, 국방대학교와 국방과학연구소(ADD)
                사람들도 많았다. 군복 차림의 외국 장교들도 보였다.

                XAI 랩에서 간 이유: 국방 분야가 원하는 **설명가능성**이 어떤 것인지 듣기.

                - 랩 미팅에서 요구사항 정리해서 공유
                """
            ),
            "tags": ["설명가능AI", "XAI", "국방"],
        },
    ],
}

# FACTS.md does not say when or where the visit took place: the date is an assumption.
MULLER_LAB_VISIT = {
    "slug": "lab-visit-klaus-robert-muller",
    "name": "Lab visit: Prof. Klaus-Robert Müller",
    "kind": Event.Kind.VISIT,
    "start_date": D(2023, 3, 16),
    "end_date": D(2023, 3, 16),
    "summary": "A meeting with Prof. Klaus-Robert Müller about explainable AI.",
    "tags": ["설명가능AI", "XAI"],
    "talks": [
        {
            "title": "Conversation on explainable AI",
            "kind": Talk.Kind.OTHER,
            "speakers": ["klaus-robert-muller"],
            "date": D(2023, 3, 16),
            "tags": ["XAI", "설명가능AI"],
        },
    ],
    "notes": [
        {
            "title": "Müller 교수님을 만나다",
            "talk": "Conversation on explainable AI",
            "visibility": "public",
            "body": md(
                """
                설명가능AI(XAI) 분야에서 인용이 엄청나게 많은 Klaus-Robert Müller
                교수님을 직접 만났다.

                - 교수님 그룹의 XAI 논문 다시 읽기
                - 랩 세미나에서 만남 후기 공유
                """
            ),
            "tags": ["설명가능AI", "XAI"],
        },
    ],
}

# FACTS.md only says this edition was attended online; the dates are an assumption.
SAMSUNG_AI_FORUM_2021 = {
    "slug": "samsung-ai-forum-2021",
    "name": "Samsung AI Forum 2021",
    "series": "Samsung AI Forum",
    "kind": Event.Kind.FORUM,
    "start_date": D(2021, 11, 1),
    "end_date": D(2021, 11, 2),
    "attendance": Event.Attendance.ONLINE,
    "organizer": "Samsung Electronics",
    "tags": ["samsung", "forum", "online"],
    "notes": [
        {
            "title": "온라인으로 본 2021 포럼",
            "visibility": "public",
            "body": "2021년 포럼은 집에서 스트리밍으로만 봤다. 다음 해에는 현장에 가 보기로.",
            "tags": ["online"],
        },
    ],
}


# --------------------------------------------------------------------------- photos
#
# Pictures drawn by `draw_picture` (stand-ins for real photos, and said to be so in
# their alt text), by event slug. "cover" makes one the event's cover on the timeline;
# "booth" names a booth of the same event; photos are private unless marked public.

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NEW_ORLEANS = zoneinfo.ZoneInfo("America/Chicago")

PHOTOS = {
    "neurips-2022": [
        {
            "alt_text": "Drawn stand-in for a photo: the exhibit hall, rows of booths under "
            "a high ceiling",
            "caption": "The exhibit hall on the first morning.",
            "picture": "hall",
            "taken_at": datetime.datetime(2022, 11, 28, 9, 30, tzinfo=NEW_ORLEANS),
            "visibility": "public",
            "cover": True,
        },
        {
            "alt_text": "Drawn stand-in for a photo: a poster board with three columns of text "
            "and a chart",
            "caption": "포스터 세션: 트랜스포머 경량화 포스터",
            "picture": "poster",
            "taken_at": datetime.datetime(2022, 11, 29, 11, 0, tzinfo=NEW_ORLEANS),
            "visibility": "public",
        },
        {
            "alt_text": "Drawn stand-in for a photo: a cap and an eco bag from the Disney booth",
            "caption": "디즈니 부스 굿즈",
            "picture": "swag",
            "booth": "Disney",
            "taken_at": datetime.datetime(2022, 11, 30, 15, 0, tzinfo=NEW_ORLEANS),
            "visibility": "public",
        },
        {
            "alt_text": "Drawn stand-in for a photo: my conference badge on the hotel desk",
            "caption": "Kept for myself.",
            "picture": "badge",
            "taken_at": datetime.datetime(2022, 11, 27, 21, 0, tzinfo=NEW_ORLEANS),
        },
    ],
    "samsung-ai-forum-2022-day-1": [
        {
            "alt_text": "Drawn stand-in for a photo: the main stage at COEX with a wide screen",
            "caption": "삼성 AI 포럼 첫째 날, COEX 메인 무대",
            "picture": "stage",
            "taken_at": datetime.datetime(2022, 11, 8, 10, 0, tzinfo=SEOUL),
            "visibility": "public",
            "cover": True,
        },
    ],
}


def draw_picture(kind, width=1200, height=900):
    """A JPEG drawn with Pillow that stands in for a photo of `kind`; the same every time."""
    from PIL import Image, ImageDraw

    palettes = {
        "hall": ((38, 52, 84), (232, 174, 72)),
        "poster": ((214, 222, 232), (52, 96, 168)),
        "swag": ((250, 238, 220), (196, 48, 60)),
        "badge": ((96, 72, 60), (236, 236, 240)),
        "stage": ((16, 20, 40), (64, 140, 220)),
    }
    background, accent = palettes[kind]
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    # A soft vertical gradient, so the encoders have something photo-like to work on.
    for y in range(0, height, 4):
        shade = tuple(max(0, c - y * 40 // height) for c in background)
        draw.rectangle((0, y, width, y + 3), fill=shade)
    if kind == "hall":
        for row in range(3):
            for col in range(6):
                x, y = 60 + col * 190, 380 + row * 150
                draw.rectangle((x, y, x + 150, y + 110), fill=accent, outline=(20, 20, 20), width=4)
                draw.rectangle((x + 10, y + 10, x + 140, y + 35), fill=(250, 250, 250))
        for x in range(0, width, 120):
            draw.line((x, 0, width // 2, 300), fill=(90, 104, 140), width=3)
    elif kind == "poster":
        draw.rectangle((120, 60, 1080, 860), fill=(255, 255, 255), outline=(60, 60, 60), width=6)
        draw.rectangle((160, 100, 1040, 170), fill=accent)
        for col in range(3):
            x = 170 + col * 300
            for line in range(14):
                draw.rectangle(
                    (x, 210 + line * 30, x + 250 - (line * 37) % 90, 222 + line * 30),
                    fill=(90, 90, 90),
                )
        for i, h in enumerate((120, 200, 160, 260, 220)):
            draw.rectangle((480 + i * 50, 820 - h, 515 + i * 50, 820), fill=accent)
    elif kind == "swag":
        draw.pieslice((200, 260, 620, 680), 180, 360, fill=accent)
        draw.rectangle((200, 468, 700, 500), fill=accent)
        draw.rectangle((700, 300, 1040, 760), fill=(120, 150, 90))
        draw.arc((780, 180, 960, 380), 180, 360, fill=(120, 150, 90), width=18)
    elif kind == "badge":
        draw.rectangle((380, 160, 820, 760), fill=accent, outline=(40, 40, 40), width=5)
        draw.rectangle((380, 160, 820, 300), fill=(120, 40, 160))
        draw.ellipse((520, 340, 680, 500), fill=(180, 180, 190))
        for line in range(4):
            draw.rectangle(
                (440, 560 + line * 40, 760 - line * 60, 580 + line * 40), fill=(70, 70, 70)
            )
        draw.line((600, 0, 600, 160), fill=(30, 30, 30), width=10)
    elif kind == "stage":
        draw.rectangle((150, 120, 1050, 560), fill=accent)
        draw.polygon(((0, 900), (1200, 900), (1000, 640), (200, 640)), fill=(70, 50, 40))
        for row in range(4):
            for col in range(14):
                draw.ellipse(
                    (40 + col * 82, 700 + row * 50, 80 + col * 82, 740 + row * 50),
                    fill=(30, 30, 36),
                )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


EVENTS = [
    NEURIPS_2022,
    SAMSUNG_AI_FORUM_2022,
    SAMSUNG_AI_FORUM_2022_DAY_1,
    SAMSUNG_AI_FORUM_2022_DAY_2,
    KOREA_AI_WEEK_2023,
    ML_BOOTCAMP_MEETUP_2023,
    ARMY_MS_CONFERENCE,
    MULLER_LAB_VISIT,
    SAMSUNG_AI_FORUM_2021,
]

# What the summary line counts, in its order.
MODELS = [
    ("events", Event),
    ("speakers", Speaker),
    ("talks", Talk),
    ("papers", Paper),
    ("booths", Booth),
    ("notes", Note),
    ("photos", Photo),
]


# --------------------------------------------------------------------------- loader


def get_demo_owner(username=DEMO_OWNER, create=True):
    """The user owning the demo: made, with an unusable password, when missing."""
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        if not create:
            raise
    user = User(**{User.USERNAME_FIELD: username})
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _clean_value(value):
    return nfc(value) if isinstance(value, str) else value


def _tag_key(name):
    name = nfc(name)
    return name.casefold() if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False) else name


class _Loader:
    def __init__(self, owner, stdout=None):
        self.owner = owner
        self.stdout = stdout
        self.result = {label: {"created": 0, "updated": 0, "unchanged": 0} for label, _ in MODELS}
        self.labels = {model: label for label, model in MODELS}

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def sync(self, model, lookup, values, tags=None, speakers=None):
        """Create or update one record; write only what differs. Returns the record."""
        lookup = {name: _clean_value(value) for name, value in lookup.items()}
        values = {name: _clean_value(value) for name, value in values.items()}
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        changed = False
        if created:
            obj = model(**lookup, **values)
        else:
            for name, value in values.items():
                field = model._meta.get_field(name)
                if field.is_relation:
                    current, wanted = getattr(obj, field.attname), getattr(value, "pk", value)
                else:
                    current, wanted = getattr(obj, name), value
                if current != wanted:
                    setattr(obj, name, value)
                    changed = True
        if created or changed:
            obj.full_clean()
            obj.save()
        if tags is not None and self._sync_tags(obj, tags):
            changed = True
        if speakers is not None and self._sync_speakers(obj, speakers):
            changed = True

        outcome = "created" if created else "updated" if changed else "unchanged"
        self.result[self.labels[model]][outcome] += 1
        if outcome != "unchanged":
            self.log(f"{outcome} {model._meta.verbose_name}: {obj}")
        return obj

    def _sync_tags(self, obj, tags):
        wanted = list(dict.fromkeys(nfc(name) for name in tags))
        current = {_tag_key(name) for name in obj.tags.names()}
        if current == {_tag_key(name) for name in wanted}:
            return False
        obj.tags.set(wanted)
        return True

    def _sync_speakers(self, talk, speakers):
        current = list(
            talk.talk_speakers.order_by("position", "id").values_list("speaker_id", "position")
        )
        if current == [(speaker.pk, position) for position, speaker in enumerate(speakers)]:
            return False
        talk.set_speakers(speakers)
        return True

    def load(self):
        speakers = {}
        for data in SPEAKERS:
            values = {
                "name": data["name"],
                "aliases": data.get("aliases", ""),
                "affiliation": data.get("affiliation", ""),
                "homepage": data.get("homepage", ""),
            }
            speakers[data["slug"]] = self.sync(Speaker, {"slug": data["slug"]}, values)

        events = {}
        for data in EVENTS:
            event = self.load_event(data, events)
            events[event.slug] = event
            self.load_contents(event, data, speakers)
            self.load_photos(event, PHOTOS.get(event.slug, []))
        return self.result

    def load_photos(self, event, items):
        """The event's demo photos, drawn and stored through the upload pipeline when new."""
        for item in items:
            lookup = {"event": event, "owner": self.owner, "alt_text": nfc(item["alt_text"])}
            values = {
                "caption": nfc(item.get("caption", "")),
                "visibility": item.get("visibility", "private"),
                "booth": event.booths.get(organization=item["booth"])
                if item.get("booth")
                else None,
                "taken_at": item.get("taken_at"),
            }
            photo = Photo.objects.filter(**lookup).first()
            outcome = "unchanged"
            if photo is None:
                photo = Photo(**lookup, **values)
                processed = photos.process(draw_picture(item["picture"]))
                photo.width, photo.height = processed.image.width, processed.image.height
                photo.full_clean(exclude=["image"])
                photos.store(photo, processed)  # the files are written when the load commits
                outcome = "created"
            else:
                changed = {
                    name: value for name, value in values.items() if getattr(photo, name) != value
                }
                if changed:
                    for name, value in changed.items():
                        setattr(photo, name, value)
                    photo.full_clean()
                    photo.save()
                    outcome = "updated"
            if item.get("cover") and event.cover_photo_id != photo.pk:
                event.cover_photo = photo
                event.full_clean()
                event.save(update_fields=["cover_photo", "updated_at"])
                if outcome == "unchanged":
                    outcome = "updated"
            self.result["photos"][outcome] += 1
            if outcome != "unchanged":
                self.log(f"{outcome} photo: {photo}")

    def load_event(self, data, events):
        slug = data.get("slug") or make_slug(data["name"], max_length=120)
        values = {
            "name": data["name"],
            "series": data.get("series", ""),
            "kind": data["kind"],
            "parent": events[nfc(data["parent"])] if data.get("parent") else None,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "venue": data.get("venue", ""),
            "city": data.get("city", ""),
            "country": data.get("country", ""),
            "attendance": data.get("attendance", Event.Attendance.IN_PERSON),
            "organizer": data.get("organizer", ""),
            "website": data.get("website", ""),
            "role": data.get("role", Event.Role.ATTENDEE),
            "summary": data.get("summary", ""),
            "visibility": data.get("visibility", "public"),
            "owner": self.owner,
        }
        return self.sync(Event, {"slug": slug}, values, tags=data.get("tags", []))

    def load_contents(self, event, data, speakers):
        talks = {}
        for item in data.get("talks", []):
            values = {
                "kind": item.get("kind", Talk.Kind.INVITED),
                "date": item.get("date"),
                "start_time": item.get("start_time"),
                "end_time": item.get("end_time"),
                "room": item.get("room", ""),
                "abstract": item.get("abstract", ""),
                "slides_url": item.get("slides_url", ""),
                "video_url": item.get("video_url", ""),
                "rating": item.get("rating"),
                "is_mine": item.get("is_mine", False),
                "attended": item.get("attended", True),
            }
            talks[item["title"]] = self.sync(
                Talk,
                {"event": event, "title": item["title"]},
                values,
                tags=item.get("tags", []),
                speakers=[speakers[slug] for slug in item.get("speakers", [])],
            )

        papers = {}
        for item in data.get("papers", []):
            values = {
                "authors": item.get("authors", ""),
                "presentation": item.get("presentation", Paper.Presentation.POSTER),
                "session": item.get("session", ""),
                "url": item.get("url", ""),
                "arxiv_id": item.get("arxiv_id", ""),
                "doi": item.get("doi", ""),
                "abstract": item.get("abstract", ""),
                "is_mine": item.get("is_mine", False),
                "talk": talks[item["talk"]] if item.get("talk") else None,
            }
            papers[item["title"]] = self.sync(
                Paper,
                {"event": event, "title": item["title"]},
                values,
                tags=item.get("tags", []),
            )

        booths = {}
        for item in data.get("booths", []):
            values = {
                "kind": item.get("kind", Booth.Kind.COMPANY),
                "location": item.get("location", ""),
                "showcase": item.get("showcase", ""),
                "swag": item.get("swag", ""),
                "website": item.get("website", ""),
            }
            booths[item["organization"]] = self.sync(
                Booth,
                {"event": event, "organization": item["organization"]},
                values,
                tags=item.get("tags", []),
            )

        for item in data.get("notes", []):
            values = {
                "talk": talks[item["talk"]] if item.get("talk") else None,
                "paper": papers[item["paper"]] if item.get("paper") else None,
                "booth": booths[item["booth"]] if item.get("booth") else None,
                "body": item["body"],
                "visibility": item.get("visibility", "private"),
            }
            self.sync(
                Note,
                {"event": event, "owner": self.owner, "title": item["title"]},
                values,
                tags=item.get("tags", []),
            )


def load_demo(owner=None, stdout=None):
    """Create or update the demo journal, owned by `owner` (default: the demo user).

    Returns, for each model label of `MODELS`, how many records were created,
    updated and left unchanged. With `stdout`, writes one line per change.
    """
    with transaction.atomic():
        if owner is None:
            owner = get_demo_owner()
        return _Loader(owner, stdout).load()


def summary_line(result):
    """'Demo journal: 9 events, … (created N, updated U, unchanged M)'."""
    counts = ", ".join(
        f"{sum(result[label].values())} {label}" for label, _ in MODELS if label in result
    )
    totals = {
        outcome: sum(tally[outcome] for tally in result.values())
        for outcome in ("created", "updated", "unchanged")
    }
    return (
        f"Demo journal: {counts} (created {totals['created']}, "
        f"updated {totals['updated']}, unchanged {totals['unchanged']})."
    )
