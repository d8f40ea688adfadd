"""Demo discussions of the Pays des Trois Vallées, posted through the forum services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from extranet.demo import DemoContext
from extranet.models import Membership
from forums.models import Post, Topic
from forums.services.categories import create_category
from forums.services.posting import create_topic, post_reply

# space slug → categories → topics: (title, [(author local part, body), ...])
THREADS: dict[str, list[tuple[str, str, list[tuple[str, list[tuple[str, str]]]]]]] = {
    "elus-et-agents": [
        (
            "Conseil communautaire",
            "Préparation des séances, ordres du jour, délibérations.",
            [
                (
                    "Ordre du jour du conseil de décembre",
                    [
                        (
                            "julien.roussel",
                            "Bonjour à tous,\n\nVoici le projet d'ordre du jour :\n\n"
                            "1. Budget primitif 2027\n2. Schéma de voirie\n"
                            "3. Tarifs de l'eau et de l'assainissement\n\n"
                            "Merci de me faire part de vos ajouts **avant vendredi**.",
                        ),
                        (
                            "helene.marchand",
                            "> 3. Tarifs de l'eau et de l'assainissement\n\n"
                            "Pourrions-nous avoir la note de la commission avant la séance ? "
                            "@sophie.lefevre l'a-t-elle déjà déposée ?",
                        ),
                        (
                            "sophie.lefevre",
                            "Oui, elle est dans les documents, dossier « Commissions ». "
                            "Je l'ai mise à jour hier soir.",
                        ),
                    ],
                ),
            ],
        ),
        (
            "Voirie et réseaux",
            "Travaux, déneigement, éclairage public.",
            [
                (
                    "Plan de déneigement de l'hiver",
                    [
                        (
                            "bernard.guillot",
                            "Les services techniques proposent de mutualiser la saleuse entre "
                            "Montreuil-le-Vieux et les Essarts-du-Bocage. Qui est partant ?",
                        ),
                        (
                            "thomas.perrin",
                            "Partant pour les Essarts. Il faudra caler une convention simple.",
                        ),
                    ],
                ),
            ],
        ),
    ],
    "tourisme-trois-vallees": [
        (
            "Saison 2027",
            "Préparation de la saison estivale et des éditions.",
            [
                (
                    "Brochure 2027 : dernières corrections",
                    [
                        (
                            "camille.fontaine",
                            "La maquette de la brochure est dans les documents. Merci de "
                            "vérifier vos horaires d'ouverture d'ici le 15.",
                        ),
                        (
                            "lucas.meunier",
                            "Pour le musée de la Vigne, les horaires d'été changent : "
                            "10 h – 18 h 30 du mardi au dimanche.",
                        ),
                    ],
                ),
            ],
        ),
    ],
    "sante-trois-vallees": [
        (
            "Organisation des gardes",
            "Remplacements, gardes du week-end, permanences.",
            [
                (
                    "Remplacement du Dr Morin en janvier",
                    [
                        (
                            "claire.morin",
                            "Je serai absente du 5 au 16 janvier. Un remplaçant est-il "
                            "disponible pour les consultations du matin ?",
                        ),
                        (
                            "karim.benali",
                            "Je peux assurer les mardis et jeudis matin.",
                        ),
                    ],
                ),
            ],
        ),
    ],
}


def seed(context: DemoContext) -> int:
    """Create the categories, topics and replies; returns the number of posts."""
    posts = 0
    for space_slug, categories in THREADS.items():
        space = context.spaces.get(space_slug)
        if space is None:
            continue
        memberships = {
            m.user.email.split("@")[0]: m
            for m in Membership.objects.in_space(space).select_related("user", "space")
        }
        admin = next(m for m in memberships.values() if m.can("forums.manage_categories"))
        for position, (name, description, topics) in enumerate(categories, start=1):
            category = create_category(
                membership=admin, name=name, description=description, position=position
            )
            for title, messages in topics:
                (author, body), *replies = messages
                topic = create_topic(
                    membership=memberships[author], category=category, title=title, body=body
                )
                posts += 1
                for replier, reply in replies:
                    post_reply(membership=memberships[replier], topic=topic, body=reply)
                    posts += 1
                _spread(topic, context)
    return posts


def _spread(topic: Topic, context: DemoContext) -> None:
    """Date the conversation over the last days instead of the seeding second."""
    posts = list(Post.objects.filter(topic=topic).order_by("number"))
    start = context.now - timedelta(days=2 + len(posts))
    moment = start
    for index, post in enumerate(posts):
        moment = start + timedelta(hours=7 * index)
        Post.objects.filter(pk=post.pk).update(created_at=moment)
    Topic.objects.filter(pk=topic.pk).update(created_at=start, last_post_at=moment)


def finish(posts: Any) -> str:
    return f"Forums: {posts} messages in 3 spaces (try « Forums » in Élus et agents)"
