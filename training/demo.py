"""The demo's training catalogue, written through the training services.

The space "Formation des agents territoriaux" offers six courses (one kept for its members,
one still a draft) and ten sessions around its date of seeding, most of them at the Pays' ICT
access places of the directory. Valérie Roche (the space's admin) writes them; Mathilde Garnier
and Élodie Bertin train. One smartphone workshop is full with two people waiting; a session on
online procedures took place three weeks ago (attendance marked, survey answered); that course
is on the public portal (approved by the portal's general administrator), and the security one
awaits review.

Every name and place is invented. Sessions are created ahead and, for the past one, moved back
in time afterwards (registration closes when a session starts, like ``directory.demo`` ages its
cards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from directory.models import Organisation
from extranet.demo import DemoContext
from extranet.demo_data import TRAINING
from extranet.models import Membership
from training.models import (
    Attendance,
    Audience,
    Course,
    CourseStatus,
    Format,
    Level,
    Reach,
    Registration,
    Session,
    SessionPart,
    Theme,
)

MANAGER = "valerie.roche"
# The ICT access place of the directory's demo; made here when the directory has none.
ICT_KIND = "espace-numerique"
FALLBACK_PLACE = (
    "Point numérique de Vernoux-en-Vallée",
    "Vernoux-en-Vallée",
    "79240",
    "Maison des associations, 2 place de l'Église",
)


@dataclass(frozen=True)
class DemoCourse:
    key: str
    title: str
    summary: str
    theme: str
    audience: str
    level: str
    hours: str
    format: str
    objectives: str
    description: str = ""
    prerequisites: str = ""
    trainers: tuple[str, ...] = ()
    reach: str = Reach.TERRITORY
    status: str = CourseStatus.PUBLISHED


@dataclass(frozen=True)
class DemoSession:
    course: str
    days: int  # from the seeding day; negative: in the past
    place: str  # "ict", "france-services" or a free place name
    trainer: str
    capacity: int = 8
    # Parts as (days after the first, start hour, start minute, hours).
    parts: tuple[tuple[int, int, int, int], ...] = ((0, 9, 30, 3),)
    commune: str = ""
    address: str = ""
    online_url: str = ""
    registrants: tuple[str, ...] = ()
    cancelled: str = ""  # the reason, when cancelled


COURSES: tuple[DemoCourse, ...] = (
    DemoCourse(
        "demarches",
        "Réussir ses démarches en ligne",
        "Créer son compte, déposer une demande, suivre son dossier sur les sites publics.",
        Theme.ONLINE_SERVICES,
        Audience.CITIZENS,
        Level.BEGINNER,
        "3",
        Format.ONSITE,
        "Créer un compte FranceConnect\nDéposer une demande d'aide en ligne\n"
        "Retrouver ses documents dans son espace personnel",
        description="Atelier animé par les conseillers numériques du Pays, avec votre propre "
        "téléphone ou un ordinateur prêté sur place. Apportez vos identifiants si vous en "
        "avez déjà.",
        prerequisites="Savoir utiliser une souris ou un écran tactile.",
        trainers=("elodie.bertin",),
    ),
    DemoCourse(
        "smartphone",
        "Prendre en main son smartphone",
        "Réglages, appels, messages, photos et applications utiles, en deux demi-journées.",
        Theme.MOBILE,
        Audience.CITIZENS,
        Level.BEGINNER,
        "5",
        Format.ONSITE,
        "Régler son téléphone et le sécuriser\nEnvoyer des messages et des photos\n"
        "Installer une application en toute sécurité",
        description="Deux matinées à une semaine d'intervalle, pour s'exercer entre les deux.",
        trainers=("mathilde.garnier",),
    ),
    DemoCourse(
        "securite",
        "Sécurité numérique : les bons réflexes",
        "Mots de passe, hameçonnage, sauvegardes : se protéger au travail comme à la maison.",
        Theme.SECURITY,
        Audience.ALL,
        Level.BEGINNER,
        "3",
        Format.ONSITE,
        "Reconnaître un courriel frauduleux\nChoisir et retenir des mots de passe solides\n"
        "Sauvegarder ses données",
        trainers=("mathilde.garnier",),
    ),
    DemoCourse(
        "bureautique",
        "Bureautique : le tableur pour les budgets communaux",
        "Formules, tableaux croisés et graphiques appliqués au suivi budgétaire.",
        Theme.OFFICE,
        Audience.OFFICIALS,
        Level.INTERMEDIATE,
        "6",
        Format.BLENDED,
        "Construire un tableau de suivi des dépenses\nUtiliser les tableaux croisés dynamiques\n"
        "Présenter un graphique au conseil municipal",
        prerequisites="Connaître les bases d'un tableur (saisie, somme).",
        trainers=("mathilde.garnier",),
        reach=Reach.SPACE,
    ),
    DemoCourse(
        "e-tourisme",
        "E-tourisme : valoriser son offre en ligne",
        "Fiche d'établissement, avis clients et photos : être trouvé par les visiteurs.",
        Theme.TOURISM,
        Audience.TOURISM,
        Level.INTERMEDIATE,
        "7",
        Format.BLENDED,
        "Mettre à jour sa fiche d'établissement\nRépondre aux avis en ligne\n"
        "Réussir ses photos au smartphone",
        trainers=("elodie.bertin",),
    ),
    DemoCourse(
        "sante",
        "Santé numérique : Mon espace santé et la messagerie sécurisée",
        "Accompagner ses patients dans Mon espace santé et échanger en messagerie sécurisée.",
        Theme.HEALTH,
        Audience.HEALTH,
        Level.BEGINNER,
        "2",
        Format.DISTANCE,
        "Présenter Mon espace santé à un patient\nEnvoyer un document en messagerie sécurisée",
        status=CourseStatus.DRAFT,
    ),
)

MORNING = ((0, 9, 30, 3),)
SESSIONS: tuple[DemoSession, ...] = (
    # The past one: attendance and survey (see PAST_ATTENDANCE).
    DemoSession(
        "demarches",
        -21,
        "ict",
        "elodie.bertin",
        registrants=(
            "sophie.lefevre",
            "paul.girard",
            "francoise.lambert",
            "isabelle.dumont",
            "gerard.tessier",
        ),
    ),
    DemoSession(
        "demarches", 9, "france-services", "elodie.bertin", registrants=("bernard.guillot",)
    ),
    DemoSession("demarches", 37, "ict", "elodie.bertin"),
    # Full, two people waiting.
    DemoSession(
        "smartphone",
        12,
        "ict",
        "mathilde.garnier",
        capacity=4,
        parts=((0, 9, 30, 2), (7, 9, 30, 3)),
        registrants=(
            "francoise.lambert",
            "lucas.meunier",
            "antoine.vasseur",
            "margaux.chevalier",
            "bernard.guillot",
            "gerard.tessier",
        ),
    ),
    DemoSession(
        "smartphone",
        45,
        "france-services",
        "mathilde.garnier",
        parts=((0, 14, 0, 2), (7, 14, 0, 3)),
    ),
    DemoSession(
        "securite",
        16,
        "france-services",
        "mathilde.garnier",
        capacity=12,
        registrants=("sophie.lefevre", "thomas.perrin", "nathalie.caron"),
    ),
    DemoSession(
        "securite",
        28,
        "ict",
        "mathilde.garnier",
        cancelled="Formatrice indisponible : la session est reportée au mois suivant.",
    ),
    DemoSession(
        "bureautique",
        23,
        "Salle informatique de la mairie",
        "mathilde.garnier",
        capacity=6,
        parts=((0, 9, 0, 3), (0, 14, 0, 3)),
        commune="Saint-Aubin-sur-Loire",
        address="1 place de la Mairie",
        registrants=("sophie.lefevre", "paul.girard"),
    ),
    DemoSession(
        "e-tourisme",
        30,
        "Office de tourisme des Trois Vallées",
        "elodie.bertin",
        capacity=10,
        parts=((0, 9, 30, 4), (3, 14, 0, 3)),
        commune="Saint-Aubin-sur-Loire",
        address="Quai de la Loire",
        registrants=("isabelle.dumont", "pierre-yves.lemoine"),
    ),
    DemoSession(
        "e-tourisme",
        58,
        "Classe virtuelle",
        "elodie.bertin",
        capacity=15,
        parts=((0, 14, 0, 3),),
        online_url="https://visio.trois-vallees.example/e-tourisme",
    ),
)

# Of the past session's registrants: who came (the others were absent) and who answered.
PAST_PRESENT = ("sophie.lefevre", "paul.girard", "francoise.lambert", "gerard.tessier")
PAST_SURVEYS: dict[str, tuple[int, int, int, bool, str]] = {
    "sophie.lefevre": (5, 5, 5, True, "Très concret, j'ai pu aider une administrée dès le lundi."),
    "paul.girard": (4, 4, 5, True, ""),
    "gerard.tessier": (3, 4, 4, True, "Un peu rapide sur la partie impôts."),
}
PORTAL_APPROVED = ("demarches",)
PORTAL_PENDING = ("securite",)


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _places(editor: Any) -> dict[str, Organisation]:
    """The ICT access place and the France services of the directory's demo (one ICT place is
    created through the directory's services if there is none)."""
    from directory.models import OrganisationKind
    from directory.services.cards import create_organisation

    organisations = Organisation.objects.visible_to(editor)
    ict = organisations.filter(kind__code=ICT_KIND).order_by("pk").first()
    if ict is None:
        name, commune, postal_code, address = FALLBACK_PLACE
        ict = create_organisation(
            actor=editor,
            kind=OrganisationKind.objects.get(code=ICT_KIND),
            name=name,
            commune=commune,
            postal_code=postal_code,
            address=address,
        )
    places = {"ict": ict}
    france_services = organisations.filter(name__startswith="France services").first()
    places["france-services"] = france_services or ict
    return places


def _weekday(day: date, *, back: bool = False) -> date:
    """Training takes place on working days: the nearest one from ``day`` on (or before)."""
    while day.weekday() >= 5:
        day += timedelta(days=-1 if back else 1)
    return day


def _move_back(session: Session, days: int) -> None:
    """Put a session (and its registrations) ``days`` earlier: registration closes when a
    session starts, so a past session is registered for ahead, then aged."""
    delta = timedelta(days=days)
    SessionPart.objects.filter(session=session).update(
        starts_at=F("starts_at") - delta, ends_at=F("ends_at") - delta
    )
    Session.objects.filter(pk=session.pk).update(
        starts_at=F("starts_at") - delta, ends_at=F("ends_at") - delta
    )
    Registration.objects.filter(session=session).update(created_at=F("created_at") - delta)
    session.refresh_from_db()


def seed(context: DemoContext) -> dict[str, int]:
    from extranet.portal.demo import demo_reviewer
    from extranet.portal.services import approve_publication
    from training.publishing import propose_course
    from training.services.attendance import mark_attendance
    from training.services.courses import create_course
    from training.services.registrations import register
    from training.services.sessions import (
        PartInput,
        cancel_session,
        create_session,
        mark_session_done,
    )
    from training.services.surveys import answer_survey

    space = context.spaces[TRAINING]
    users = context.users
    manager = users[MANAGER]
    if Course.objects.filter(space=space).exists():  # seeded already: leave it as it is
        return _counts(space)
    membership = Membership.objects.get(user=manager, space=space)
    courses: dict[str, Course] = {}
    for demo in COURSES:
        courses[demo.key] = create_course(
            membership=membership,
            title=demo.title,
            summary=demo.summary,
            theme=demo.theme,
            duration_hours=Decimal(demo.hours),
            objectives=demo.objectives,
            audience=demo.audience,
            level=demo.level,
            format=demo.format,
            description=demo.description,
            prerequisites=demo.prerequisites,
            reach=demo.reach,
            trainers=[users[t] for t in demo.trainers],
            status=demo.status,
        )

    places = _places(users["julien.roussel"])
    today = timezone.localdate(context.now)
    past: Session | None = None
    full: Session | None = None
    for spec in SESSIONS:
        # A past session is made ahead (two days from now), registered for, then aged.
        first_day = _weekday(today + timedelta(days=spec.days)) if spec.days > 0 else today
        if spec.days <= 0:
            first_day += timedelta(days=2)
        parts = [
            PartInput(
                starts_at=_at(first_day + timedelta(days=d), h, m),
                ends_at=_at(first_day + timedelta(days=d), h, m) + timedelta(hours=length),
            )
            for d, h, m, length in spec.parts
        ]
        place = places.get(spec.place)
        session = create_session(
            user=manager,
            course=courses[spec.course],
            parts=parts,
            capacity=spec.capacity,
            trainer=users[spec.trainer],
            place=place,
            place_name="" if place else spec.place,
            address=spec.address,
            commune=spec.commune,
            online_url=spec.online_url,
        )
        for local_part in spec.registrants:
            register(user=users[local_part], session=session)
        if spec.cancelled:
            cancel_session(user=manager, session=session, reason=spec.cancelled)
        if spec.days < 0:
            held_on = _weekday(today + timedelta(days=spec.days), back=True)
            _move_back(session, (first_day - held_on).days)
            past = session
        if len(spec.registrants) > spec.capacity:
            full = session

    if past is not None:
        _after_the_session(past, users, mark_attendance, answer_survey)
        mark_session_done(user=manager, session=past)

    reviewer = demo_reviewer()
    for key in PORTAL_APPROVED:
        approve_publication(
            reviewer=reviewer, request=propose_course(user=manager, course=courses[key])
        )
    for key in PORTAL_PENDING:
        propose_course(user=manager, course=courses[key])
    counts = _counts(space)
    counts["waiting"] = full.registrations.filter(status="waiting").count() if full else 0
    return counts


def _after_the_session(
    session: Session, users: Any, mark_attendance: Any, answer_survey: Any
) -> None:
    """The trainer marks attendance; those present answer the survey."""
    trainer = session.trainer
    present = {users[p].pk for p in PAST_PRESENT}
    marks = {
        r.pk: Attendance.PRESENT if r.user_id in present else Attendance.ABSENT
        for r in session.registrations.filter(status="confirmed")
    }
    mark_attendance(user=trainer, session=session, marks=marks)
    for local_part, (overall, objectives, rating, recommend, comment) in PAST_SURVEYS.items():
        registration = session.registrations.get(user=users[local_part])
        answer_survey(
            user=users[local_part],
            registration=registration,
            overall=overall,
            objectives_met=objectives,
            trainer_rating=rating,
            would_recommend=recommend,
            comment=comment,
        )


def _counts(space: Any) -> dict[str, int]:
    return {
        "courses": Course.objects.filter(space=space).count(),
        "sessions": Session.objects.filter(course__space=space).count(),
        "registrations": Registration.objects.filter(session__course__space=space).count(),
    }


def finish(seeded: dict[str, int]) -> str:
    """Index the catalogue now, so search works before the background worker has run."""
    from training.indexing import index_courses

    index_courses(Course.objects.values_list("pk", flat=True))
    return (
        f"Training: {seeded['courses']} courses, {seeded['sessions']} sessions, "
        f"{seeded['registrations']} registrations ({seeded.get('waiting', 0)} on a waiting "
        "list); one course on the public portal (/portal/training/)."
    )
