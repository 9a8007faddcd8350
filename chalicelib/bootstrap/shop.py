"""Every use case of the shop, built with what it needs: the one place they are
wired (`build_shop`), from the rules the settings give (rules.py)."""

from __future__ import annotations

from ..application import Shop, ShopPorts, ShopRules
from ..application.accounts import Accounts
from ..application.after_sales import AfterSalesUseCases
from ..application.bargains import BargainReactions, BargainUseCases
from ..application.benefits import Benefits
from ..application.campaign_orders import CampaignOrders
from ..application.campaigns import CampaignAdminUseCases
from ..application.cart import CartUseCases
from ..application.cart_checkout import CartCheckout
from ..application.catalogue import CatalogueUseCases
from ..application.checkout import CheckoutUseCases
from ..application.coupons import CouponUseCases
from ..application.experiments import ExperimentUseCases
from ..application.favourites import FavouriteUseCases
from ..application.flash_sale import FlashSaleUseCases
from ..application.group_buy import GroupBuyUseCases
from ..application.invites import InviteUseCases
from ..application.jobs import JobUseCases
from ..application.logins import LoginUseCases
from ..application.loyalty import LoyaltyUseCases
from ..application.members import MemberUseCases
from ..application.order_reactions import OrderReactions
from ..application.orders import OrderUseCases
from ..application.payments import PaymentUseCases
from ..application.push_replays import PushReplays
from ..application.reservations import ReservationUseCases
from ..application.reviews import ReviewUseCases
from ..application.source_labels import SourceLabelUseCases
from ..application.store import EventStore
from ..application.subscriptions import SubscriptionUseCases
from ..application.teams import TeamReactions
from .sender_parts import notification_use_cases, official_account_use_cases


def build_shop(store: EventStore, rules: ShopRules, ports: ShopPorts) -> Shop:
    """Every use case, each given what it needs: the one place they are built."""
    accounts = Accounts(store)
    checkout = CheckoutUseCases(
        store,
        accounts,
        policy=rules.order_policy,
        points_policy=rules.points_policy,
        vault=ports.vault,
    )
    coupons = CouponUseCases(store, accounts, welcome_coupons=rules.welcome_coupons)
    invites = InviteUseCases(
        store, accounts, invite_policy=rules.invite_policy, points_policy=rules.points_policy
    )
    loyalty = LoyaltyUseCases(store, accounts, points_policy=rules.points_policy)
    campaign_orders = CampaignOrders(store, accounts, checkout)
    experiments = ExperimentUseCases(store, accounts)
    benefits = Benefits(store, accounts, invites, points_policy=rules.points_policy)
    teams = TeamReactions(store)
    reactions = OrderReactions(store, benefits, campaign_orders, teams, BargainReactions(store))
    orders = OrderUseCases(store, checkout, reactions, policy=rules.order_policy)
    campaigns = CampaignAdminUseCases(store, campaign_orders)
    group_buy = GroupBuyUseCases(store, campaign_orders)
    cart = CartUseCases(store, accounts)
    official_account = official_account_use_cases(store, rules, ports)
    return Shop(
        store=store,
        rules=rules,
        ports=ports,
        accounts=accounts,
        catalogue=CatalogueUseCases(store),
        checkout=checkout,
        logins=LoginUseCases(
            store, accounts, coupons, invites, experiments, pseudonyms=ports.pseudonyms
        ),
        members=MemberUseCases(store, accounts, official_account, teams, vault=ports.vault),
        coupons=coupons,
        loyalty=loyalty,
        invites=invites,
        orders=orders,
        after_sales=AfterSalesUseCases(store, orders, benefits, campaign_orders, teams),
        payments=PaymentUseCases(store, orders, reactions, gateway=ports.payments),
        campaign_orders=campaign_orders,
        campaigns=campaigns,
        flash_sale=FlashSaleUseCases(store, campaign_orders),
        group_buy=group_buy,
        bargains=BargainUseCases(store, accounts, campaign_orders),
        reservations=ReservationUseCases(store, accounts, campaign_orders),
        subscriptions=SubscriptionUseCases(
            store, accounts, template_book=rules.template_book, credits_from=rules.credits_from
        ),
        notifications=notification_use_cases(store, accounts, rules, ports),
        official_account=official_account,
        push_replays=PushReplays(store),
        source_labels=SourceLabelUseCases(store),
        experiments=experiments,
        favourites=FavouriteUseCases(store),
        reviews=ReviewUseCases(
            store, accounts, review_points=rules.review_points, points_policy=rules.points_policy
        ),
        cart=cart,
        cart_checkout=CartCheckout(store, cart, checkout, policy=rules.order_policy),
        jobs=JobUseCases(
            store.clock,
            orders=orders,
            loyalty=loyalty,
            coupons=coupons,
            campaigns=campaigns,
            group_buy=group_buy,
        ),
    )
